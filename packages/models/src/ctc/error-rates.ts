/** A sequence to compare: a string (compared by character) or an array of tokens (ids or words). */
export type Sequence = string | readonly (number | string)[];

/** Levenshtein distance (unit-cost insertions, deletions, substitutions) between two sequences. */
export function editDistance(a: Sequence, b: Sequence): number {
  const n = a.length;
  const m = b.length;
  if (n === 0) return m;
  if (m === 0) return n;
  let prev = new Int32Array(m + 1);
  let cur = new Int32Array(m + 1);
  for (let j = 0; j <= m; j++) prev[j] = j;
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    const ai = a[i - 1];
    for (let j = 1; j <= m; j++) {
      const sub = (prev[j - 1] as number) + (ai === b[j - 1] ? 0 : 1);
      const del = (prev[j] as number) + 1;
      const ins = (cur[j - 1] as number) + 1;
      cur[j] = Math.min(sub, del, ins);
    }
    const tmp = prev;
    prev = cur;
    cur = tmp;
  }
  return prev[m] as number;
}

/** Both common definitions of an error rate over a batch, so neither is mistaken for the other. */
export interface ErrorRates {
  /**
   * FSDL lab 3's CER: per sample, distance / max(len(pred), len(target)) (0 when both are empty), averaged
   * over samples. Bounded by 1.
   */
  meanSampleRate: number;
  /** Corpus rate (the ASR convention): sum of distances / sum of target lengths. Can exceed 1. */
  corpusRate: number;
  /** Sum of edit distances. */
  totalDistance: number;
  /** Sum of target lengths. */
  totalTargetLength: number;
}

function errorRates(preds: readonly Sequence[], targets: readonly Sequence[], fn: string): ErrorRates {
  if (preds.length !== targets.length) {
    throw new Error(`${fn}: preds has ${preds.length} entries but targets has ${targets.length}`);
  }
  let sumRate = 0;
  let totalDistance = 0;
  let totalTargetLength = 0;
  for (let i = 0; i < preds.length; i++) {
    const p = preds[i] as Sequence;
    const t = targets[i] as Sequence;
    const d = editDistance(p, t);
    const denom = Math.max(p.length, t.length);
    sumRate += denom === 0 ? 0 : d / denom;
    totalDistance += d;
    totalTargetLength += t.length;
  }
  return {
    meanSampleRate: preds.length === 0 ? 0 : sumRate / preds.length,
    // An empty corpus of targets: 0 if nothing was predicted either, else every prediction is an error.
    corpusRate:
      totalTargetLength === 0
        ? totalDistance === 0
          ? 0
          : Number.POSITIVE_INFINITY
        : totalDistance / totalTargetLength,
    totalDistance,
    totalTargetLength,
  };
}

/**
 * Character error rate of predictions against targets (strings, or arrays of class ids).
 * Returns both the FSDL per-sample mean (`meanSampleRate`) and the corpus rate (`corpusRate`).
 */
export function characterErrorRate(preds: readonly Sequence[], targets: readonly Sequence[]): ErrorRates {
  return errorRates(preds, targets, "characterErrorRate");
}

function words(s: string): string[] {
  const trimmed = s.trim();
  return trimmed === "" ? [] : trimmed.split(/\s+/);
}

/**
 * Word error rate: strings split on whitespace, then the same two rates as {@link characterErrorRate}
 * (`meanSampleRate` per sample as FSDL, `corpusRate` = sum of word distances / sum of target word counts).
 */
export function wordErrorRate(preds: readonly string[], targets: readonly string[]): ErrorRates {
  return errorRates(preds.map(words), targets.map(words), "wordErrorRate");
}
