import * as tf from "@tensorflow/tfjs";

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

function checkShape(
  scores: tf.Tensor,
  inputLengths: ArrayLike<number>,
  blank: number,
  fn: string,
): [number, number, number] {
  if (scores.rank !== 3)
    throw new Error(`${fn}: scores must be rank 3 [batch, time, classes], got rank ${scores.rank}`);
  const [batch, time, classes] = scores.shape as [number, number, number];
  if (inputLengths.length !== batch) {
    throw new Error(`${fn}: inputLengths has ${inputLengths.length} entries but the batch is ${batch}`);
  }
  for (let b = 0; b < batch; b++) {
    const T = inputLengths[b] as number;
    if (!Number.isInteger(T) || T < 0 || T > time)
      throw new Error(`${fn}: inputLengths[${b}] = ${T} must be in [0, ${time}]`);
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

/**
 * A prefix as a node of a trie (the empty prefix is the root), so extending a prefix by a symbol is a map lookup
 * instead of copying and hashing the whole prefix: about 10x faster at 80 classes.
 */
interface PrefixNode {
  /** Last symbol of the prefix; -1 for the empty prefix. */
  symbol: number;
  parent: PrefixNode | null;
  /** Created when the node first becomes a beam: most nodes never do, and a Map each would dominate the run time. */
  children: Map<number, PrefixNode> | null;
  /** log P(prefix, alignment ends in blank) after the current step. */
  blankEnd: number;
  /** log P(prefix, alignment ends in its last symbol) after the current step. */
  symbolEnd: number;
  /** Accumulators for the step being computed (the current values are still being read). */
  nextBlank: number;
  nextSymbol: number;
  /** Step at which the accumulators were last reset. */
  stamp: number;
  /** logAdd(blankEnd, symbolEnd), cached for sorting (a comparator computing it would dominate the run time). */
  score: number;
}

function newNode(symbol: number, parent: PrefixNode | null): PrefixNode {
  return {
    symbol,
    parent,
    children: null,
    blankEnd: NEG_INF,
    symbolEnd: NEG_INF,
    nextBlank: NEG_INF,
    nextSymbol: NEG_INF,
    stamp: -1,
    score: NEG_INF,
  };
}

function total(node: PrefixNode): number {
  return logAdd(node.blankEnd, node.symbolEnd);
}

function prefixOf(node: PrefixNode): number[] {
  const out: number[] = [];
  for (let n: PrefixNode | null = node; n && n.symbol >= 0; n = n.parent) out.push(n.symbol);
  return out.reverse();
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
  if (!Number.isInteger(beamWidth) || beamWidth < 1)
    throw new Error(`ctcBeamSearchDecode: options.beamWidth must be an integer >= 1, got ${beamWidth}`);
  if (!Number.isInteger(topPaths) || topPaths < 1 || topPaths > beamWidth) {
    throw new Error(
      `ctcBeamSearchDecode: options.topPaths must be an integer in [1, beamWidth = ${beamWidth}], got ${topPaths}`,
    );
  }
  const data = logits.dataSync();
  const lp = new Float64Array(classes);
  const paths: number[][][] = [];
  const logProbs: number[][] = [];
  // Candidates that extend a beam to a prefix not yet in the trie: at most beamWidth * classes per step.
  const freshBeam = new Int32Array(beamWidth * classes);
  const freshSymbol = new Int32Array(beamWidth * classes);
  const freshScore = new Float64Array(beamWidth * classes);
  for (let b = 0; b < batch; b++) {
    const root = newNode(-1, null);
    root.blankEnd = 0;
    root.score = 0;
    let beams: PrefixNode[] = [root];
    const T = inputLengths[b] as number;
    for (let t = 0; t < T; t++) {
      const base = (b * time + t) * classes;
      let max = NEG_INF;
      for (let k = 0; k < classes; k++) max = Math.max(max, data[base + k] as number);
      let sum = 0;
      for (let k = 0; k < classes; k++) sum += Math.exp((data[base + k] as number) - max);
      const lse = max + Math.log(sum);
      for (let k = 0; k < classes; k++) lp[k] = (data[base + k] as number) - lse;

      // Prefixes already in the trie accumulate in place; a new prefix can only come from one (beam, symbol) pair,
      // so it stays a number in `fresh*` and becomes a node only if it makes the next beam.
      const touched: PrefixNode[] = [];
      const touch = (node: PrefixNode): PrefixNode => {
        if (node.stamp !== t) {
          node.stamp = t;
          node.nextBlank = NEG_INF;
          node.nextSymbol = NEG_INF;
          touched.push(node);
        }
        return node;
      };
      let fresh = 0;
      for (let i = 0; i < beams.length; i++) {
        const beam = beams[i] as PrefixNode;
        const p = beam.score;
        // Stay on the same prefix by emitting a blank ...
        touch(beam);
        beam.nextBlank = logAdd(beam.nextBlank, p + (lp[blank] as number));
        // ... or by repeating its last symbol, which merges with it.
        const last = beam.symbol;
        if (last >= 0) beam.nextSymbol = logAdd(beam.nextSymbol, beam.symbolEnd + (lp[last] as number));
        for (let k = 0; k < classes; k++) {
          if (k === blank) continue;
          // Repeating the last symbol only starts a new one after a blank.
          const v = (k === last ? beam.blankEnd : p) + (lp[k] as number);
          const child = beam.children?.get(k);
          if (child !== undefined) {
            touch(child).nextSymbol = logAdd(child.nextSymbol, v);
          } else {
            freshBeam[fresh] = i;
            freshSymbol[fresh] = k;
            freshScore[fresh] = v;
            fresh++;
          }
        }
      }
      for (const node of touched) {
        node.blankEnd = node.nextBlank;
        node.symbolEnd = node.nextSymbol;
        node.score = total(node);
      }
      // The beamWidth-th best score over both kinds, then everything at or above it, best first.
      const scores = new Float64Array(touched.length + fresh);
      touched.forEach((node, j) => (scores[j] = node.score));
      scores.set(freshScore.subarray(0, fresh), touched.length);
      scores.sort();
      const threshold = scores[Math.max(0, scores.length - beamWidth)] as number;
      const kept: { score: number; node: PrefixNode | null; fresh: number }[] = [];
      for (const node of touched) if (node.score >= threshold) kept.push({ score: node.score, node, fresh: -1 });
      for (let j = 0; j < fresh; j++)
        if ((freshScore[j] as number) >= threshold) kept.push({ score: freshScore[j] as number, node: null, fresh: j });
      kept.sort((x, y) => y.score - x.score);
      beams = kept.slice(0, beamWidth).map((entry) => {
        if (entry.node) return entry.node;
        const parent = beams[freshBeam[entry.fresh] as number] as PrefixNode;
        const node = newNode(freshSymbol[entry.fresh] as number, parent);
        (parent.children ??= new Map()).set(node.symbol, node);
        node.symbolEnd = entry.score;
        node.score = entry.score;
        return node;
      });
    }
    const best = beams.slice(0, topPaths);
    paths.push(best.map(prefixOf));
    logProbs.push(best.map((x) => x.score));
  }
  return { paths, logProbs };
}

/**
 * {@link ctcBeamSearchDecode} of plain logits [batch, time, classes] (row-major), for callers that hold a model's
 * output as numbers rather than a tensor (the worker's predictions). The best path per sample.
 */
export function ctcBeamSearchDecodeValues(
  values: Float32Array,
  shape: [number, number, number],
  inputLengths: ArrayLike<number>,
  options: CtcBeamSearchOptions = {},
): number[][] {
  const logits = tf.tensor3d(values, shape);
  try {
    return ctcBeamSearchDecode(logits, inputLengths, options).paths.map((paths) => paths[0] ?? []);
  } finally {
    logits.dispose();
  }
}
