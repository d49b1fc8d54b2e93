import type * as tf from "@tensorflow/tfjs";

/** Options of {@link ctcGreedyDecode}. */
export interface CtcGreedyDecodeOptions {
  /** Class id of the blank symbol. Default 0. */
  blank?: number;
}

/** Options of {@link ctcBeamSearchDecode}. */
export interface CtcBeamSearchOptions {
  /** Prefixes kept after each step. Default 10. */
  beamWidth?: number;
  /** Class id of the blank symbol. Default 0. */
  blank?: number;
  /** Number of best labelings returned per sample (<= beamWidth). Default 1. */
  topPaths?: number;
}

/** Result of {@link ctcBeamSearchDecode}: `paths[b][k]` is the k-th best labeling, `logProbs[b][k]` its log p(l|x). */
export interface CtcBeamSearchResult {
  paths: number[][][];
  logProbs: number[][];
}

function checkShape(scores: tf.Tensor, inputLengths: ArrayLike<number>, blank: number, fn: string): [number, number, number] {
  if (scores.rank !== 3) throw new Error(`${fn}: scores must be rank 3 [batch, time, classes], got rank ${scores.rank}`);
  const [batch, time, classes] = scores.shape as [number, number, number];
  if (inputLengths.length !== batch) {
    throw new Error(`${fn}: inputLengths has ${inputLengths.length} entries but the batch is ${batch}`);
  }
  for (let b = 0; b < batch; b++) {
    const T = inputLengths[b] as number;
    if (!Number.isInteger(T) || T < 0 || T > time) throw new Error(`${fn}: inputLengths[${b}] = ${T} must be in [0, ${time}]`);
  }
  if (!Number.isInteger(blank) || blank < 0 || blank >= classes) {
    throw new Error(`${fn}: options.blank must be an integer in [0, ${classes}), got ${blank}`);
  }
  return [batch, time, classes];
}

/**
 * Best-path decoding: the most likely class at each step, repeats merged, blanks removed.
 * Works on logits, log-probabilities or probabilities alike (only the argmax matters).
 * @param scores [batch, time, classes]
 * @param inputLengths real steps per sample; steps beyond are ignored.
 * @param options blank (default 0).
 */
export function ctcGreedyDecode(
  scores: tf.Tensor3D,
  inputLengths: ArrayLike<number>,
  options: CtcGreedyDecodeOptions = {},
): number[][] {
  const blank = options.blank ?? 0;
  const [batch, time, classes] = checkShape(scores, inputLengths, blank, "ctcGreedyDecode");
  const data = scores.dataSync();
  const out: number[][] = [];
  for (let b = 0; b < batch; b++) {
    const seq: number[] = [];
    let prev = -1;
    const T = inputLengths[b] as number;
    for (let t = 0; t < T; t++) {
      const base = (b * time + t) * classes;
      let best = 0;
      let bestV = data[base] as number;
      for (let k = 1; k < classes; k++) {
        const v = data[base + k] as number;
        if (v > bestV) {
          bestV = v;
          best = k;
        }
      }
      if (best !== prev && best !== blank) seq.push(best);
      prev = best;
    }
    out.push(seq);
  }
  return out;
}

const NEG_INF = Number.NEGATIVE_INFINITY;

function logAdd(a: number, b: number): number {
  if (a === NEG_INF) return b;
  if (b === NEG_INF) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/** A prefix in the beam: log-probabilities of all alignments of it ending in blank / in its last symbol. */
interface Beam {
  prefix: number[];
  blankEnd: number;
  symbolEnd: number;
}

function total(beam: Beam): number {
  return logAdd(beam.blankEnd, beam.symbolEnd);
}

/**
 * CTC prefix beam search (Hannun et al. 2014) in log space, without a language model.
 * Each kept prefix carries the summed probability of all its alignments, so the result approximates the most
 * probable labeling (exact when the beam holds every prefix), unlike greedy best-path decoding.
 * @param logits [batch, time, classes] unnormalised scores or log-probabilities (log-softmax is applied inside;
 *   do not pass probabilities).
 * @param inputLengths real steps per sample.
 * @param options beamWidth (default 10), blank (default 0), topPaths (default 1).
 */
export function ctcBeamSearchDecode(
  logits: tf.Tensor3D,
  inputLengths: ArrayLike<number>,
  options: CtcBeamSearchOptions = {},
): CtcBeamSearchResult {
  const blank = options.blank ?? 0;
  const beamWidth = options.beamWidth ?? 10;
  const topPaths = options.topPaths ?? 1;
  const [batch, time, classes] = checkShape(logits, inputLengths, blank, "ctcBeamSearchDecode");
  if (!Number.isInteger(beamWidth) || beamWidth < 1) throw new Error(`ctcBeamSearchDecode: options.beamWidth must be an integer >= 1, got ${beamWidth}`);
  if (!Number.isInteger(topPaths) || topPaths < 1 || topPaths > beamWidth) {
    throw new Error(`ctcBeamSearchDecode: options.topPaths must be an integer in [1, beamWidth = ${beamWidth}], got ${topPaths}`);
  }
  const data = logits.dataSync();
  const lp = new Float64Array(classes);
  const paths: number[][][] = [];
  const logProbs: number[][] = [];
  for (let b = 0; b < batch; b++) {
    let beams: Beam[] = [{ prefix: [], blankEnd: 0, symbolEnd: NEG_INF }];
    const T = inputLengths[b] as number;
    for (let t = 0; t < T; t++) {
      const base = (b * time + t) * classes;
      let max = NEG_INF;
      for (let k = 0; k < classes; k++) max = Math.max(max, data[base + k] as number);
      let sum = 0;
      for (let k = 0; k < classes; k++) sum += Math.exp((data[base + k] as number) - max);
      const lse = max + Math.log(sum);
      for (let k = 0; k < classes; k++) lp[k] = (data[base + k] as number) - lse;

      const next = new Map<string, Beam>();
      const get = (prefix: number[]): Beam => {
        const key = prefix.join(",");
        let beam = next.get(key);
        if (beam === undefined) {
          beam = { prefix, blankEnd: NEG_INF, symbolEnd: NEG_INF };
          next.set(key, beam);
        }
        return beam;
      };
      for (const beam of beams) {
        const p = total(beam);
        // Stay on the same prefix by emitting a blank ...
        const same = get(beam.prefix);
        same.blankEnd = logAdd(same.blankEnd, p + (lp[blank] as number));
        const last = beam.prefix.length > 0 ? (beam.prefix[beam.prefix.length - 1] as number) : -1;
        // ... or by repeating its last symbol, which merges with it.
        if (last >= 0) same.symbolEnd = logAdd(same.symbolEnd, beam.symbolEnd + (lp[last] as number));
        for (let k = 0; k < classes; k++) {
          if (k === blank) continue;
          const ext = get([...beam.prefix, k]);
          // Repeating the last symbol only starts a new one after a blank.
          const from = k === last ? beam.blankEnd : p;
          ext.symbolEnd = logAdd(ext.symbolEnd, from + (lp[k] as number));
        }
      }
      beams = [...next.values()].sort((x, y) => total(y) - total(x)).slice(0, beamWidth);
    }
    const best = beams.slice(0, topPaths);
    paths.push(best.map((x) => x.prefix));
    logProbs.push(best.map(total));
  }
  return { paths, logProbs };
}
