import { BASELINE_SAMPLE_LIMIT, type SampleSource } from "../../task-helpers";
import type { Batch, ModelOutput, SplitName, TaskSpec } from "../../types";

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
export function characterErrorRates(
  predictions: readonly ArrayLike<number>[],
  references: readonly ArrayLike<number>[],
): CharacterErrorRates {
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

/** Labels of a batch's rows: the first `targetLengths[row]` class ids of each. */
export function batchLabels(batch: Batch, spec: TaskSpec): number[][] {
  const labels: number[][] = [];
  for (let row = 0; row < batch.size; row++) {
    const start = row * spec.targetLength;
    labels.push(Array.from(batch.targets.subarray(start, start + batch.targetLengths[row]!)));
  }
  return labels;
}

/**
 * CERs and exact match of a CTC model's per-step class scores ([size, steps, outputSize], any number of steps),
 * greedy-decoded, against the batch's labels.
 */
export function ctcCharacterErrorRates(spec: TaskSpec, batch: Batch, output: ModelOutput): CharacterErrorRates {
  const [size, steps, classes] = output.shape;
  // CTC outputs have the model's own number of steps, so only the batch and class axes are checked.
  if (size !== batch.size || classes !== spec.outputSize || output.values.length !== size * steps * classes) {
    throw new Error(
      `model output shape [${output.shape.join(", ")}] does not match ` +
        `[batch ${batch.size}, steps, outputSize ${spec.outputSize}]`,
    );
  }
  const predictions: number[][] = [];
  for (let row = 0; row < size; row++) {
    predictions.push(ctcGreedyDecode(output.values, row * steps * classes, steps, classes, spec.blank ?? 0));
  }
  return characterErrorRates(predictions, batchLabels(batch, spec));
}

/**
 * Two trivial transcribers scored on `labels`: the empty string, and the most frequent class of `trainLabels`
 * repeated to their mean length (ties go to the lower id; `fallback` if train is empty). `cer`, `corpusCer` and
 * `accuracy` are those of whichever has the lower per-sample CER; both are also reported by name.
 */
export function trivialCerBaselines(
  trainLabels: readonly number[][],
  labels: readonly number[][],
  fallback: number,
): Record<string, number> {
  const counts = new Map<number, number>();
  let totalLength = 0;
  for (const label of trainLabels) {
    totalLength += label.length;
    for (const id of label) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  let mostFrequent = fallback;
  let best = -1;
  for (const [id, count] of counts) {
    if (count > best || (count === best && id < mostFrequent)) {
      best = count;
      mostFrequent = id;
    }
  }
  const repeatLength = Math.max(1, Math.round(totalLength / Math.max(trainLabels.length, 1)));
  const repeated = new Array<number>(repeatLength).fill(mostFrequent);
  const empty = characterErrorRates(
    labels.map(() => []),
    labels,
  );
  const constant = characterErrorRates(
    labels.map(() => repeated),
    labels,
  );
  const better = constant.cer < empty.cer ? constant : empty;
  return {
    cer: better.cer,
    corpusCer: better.corpusCer,
    accuracy: better.accuracy,
    emptyCer: empty.cer,
    emptyCorpusCer: empty.corpusCer,
    repeatedCharCer: constant.cer,
    repeatedCharCorpusCer: constant.corpusCer,
    repeatedCharId: mostFrequent,
    repeatedCharLength: repeatLength,
  };
}

/**
 * Token labels of the first min(`limit`, size) samples of `split`, as baselines score them. Tasks that can skip
 * their input rendering for this (they only need labels) switch that on around the call.
 */
export function splitLabels(source: SampleSource, split: SplitName, limit = BASELINE_SAMPLE_LIMIT): number[][] {
  const labels: number[][] = [];
  const n = Math.min(limit, source.size(split));
  for (let i = 0; i < n; i++) {
    const target = source.sample(split, i).target;
    if ("tokens" in target) labels.push([...target.tokens]);
  }
  return labels;
}
