/**
 * Greedy CTC decoding of one sample's per-step class scores: argmax per step, collapse repeats, drop blanks.
 * `scores` holds [steps, classes] row-major starting at `offset`.
 */
export function ctcGreedyDecode(
  scores: ArrayLike<number>,
  offset: number,
  steps: number,
  classes: number,
  blank: number,
): number[] {
  const out: number[] = [];
  let previous = -1;
  for (let t = 0; t < steps; t++) {
    const base = offset + t * classes;
    let best = 0;
    let max = -Infinity;
    for (let k = 0; k < classes; k++) {
      const v = scores[base + k]!;
      if (v > max) {
        max = v;
        best = k;
      }
    }
    if (best !== previous && best !== blank) out.push(best);
    previous = best;
  }
  return out;
}

/** Levenshtein distance (unit-cost insertions, deletions, substitutions) between two id sequences. */
export function editDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let previous = new Int32Array(b.length + 1);
  let current = new Int32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(substitution, previous[j]! + 1, current[j - 1]! + 1);
    }
    [previous, current] = [current, previous];
  }
  return previous[b.length]!;
}

/** Character error rates of predictions against references, and exact-match accuracy. */
export interface CharacterErrorRates {
  /** FSDL's CER: per sample, distance / max(len(prediction), len(reference)), averaged over samples. */
  cer: number;
  /** Corpus CER: total edit distance / total reference length (the usual ASR definition; can exceed 1). */
  corpusCer: number;
  /** Fraction of samples predicted exactly. */
  accuracy: number;
}

/**
 * Both CERs and exact match over pairs of (prediction, reference). A pair of empty sequences counts as CER 0;
 * an empty reference set gives zeros.
 */
export function characterErrorRates(predictions: readonly ArrayLike<number>[], references: readonly ArrayLike<number>[]): CharacterErrorRates {
  if (predictions.length !== references.length) {
    throw new Error(`characterErrorRates: ${predictions.length} predictions for ${references.length} references`);
  }
  let perSample = 0;
  let edits = 0;
  let referenceChars = 0;
  let exact = 0;
  for (let i = 0; i < predictions.length; i++) {
    const p = predictions[i]!;
    const r = references[i]!;
    const d = editDistance(p, r);
    const longest = Math.max(p.length, r.length);
    perSample += longest === 0 ? 0 : d / longest;
    edits += d;
    referenceChars += r.length;
    if (d === 0) exact++;
  }
  const n = Math.max(predictions.length, 1);
  return { cer: perSample / n, corpusCer: referenceChars === 0 ? 0 : edits / referenceChars, accuracy: exact / n };
}

/**
 * Minimum number of CTC output steps a label needs: one per label element plus one blank between each pair of
 * equal neighbours (CTC cannot emit "ll" without a blank in between).
 */
export function minimumInputSteps(label: ArrayLike<number>): number {
  let steps = label.length;
  for (let i = 1; i < label.length; i++) if (label[i] === label[i - 1]) steps++;
  return steps;
}
