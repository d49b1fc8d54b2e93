import type { TaskInstance } from "../types";

/**
 * Reading a model's raw output the way a task is read, shared by the worker's logged predictions and the
 * browser playground, so both show the same decoding of the same numbers.
 */

function argmaxAt(values: ArrayLike<number>, offset: number, width: number): number {
  let best = 0;
  for (let k = 1; k < width; k++) if (values[offset + k]! > values[offset + best]!) best = k;
  return best;
}

/** Argmax class of each of the first `steps` steps of one sample's output, [steps, width] row-major. */
export function argmaxPath(values: ArrayLike<number>, steps: number, width: number): number[] {
  return Array.from({ length: steps }, (_, t) => argmaxAt(values, t * width, width));
}

/**
 * Greedy CTC decoding of one sample's logits over its first `frames` frames: the argmax path, then repeats merged
 * and blanks dropped. `path` is the alignment (the argmax label of every frame).
 */
export function ctcGreedy(
  values: ArrayLike<number>,
  frames: number,
  classes: number,
  blank: number,
): { ids: number[]; path: number[] } {
  const path = argmaxPath(values, frames, classes);
  const ids: number[] = [];
  path.forEach((id, t) => {
    if (id !== blank && id !== path[t - 1]) ids.push(id);
  });
  return { ids, path };
}

/** The label of one output class as the task writes it ("" for the CTC blank). */
export function classLabel(task: TaskInstance, id: number): string {
  if (task.spec.blank !== undefined && id === task.spec.blank) return "";
  return task.decodeTarget?.([id]) ?? String(id);
}

/**
 * Samples a class from logits at `temperature` (0 or less: the argmax), with `random` in [0, 1). Softmax with the
 * maximum subtracted, so large logits do not overflow.
 */
export function sampleClass(logits: ArrayLike<number>, temperature: number, random: () => number): number {
  const width = logits.length;
  const best = argmaxAt(logits, 0, width);
  if (!(temperature > 0)) return best;
  const max = logits[best]!;
  const weights = Array.from(logits, (v) => Math.exp((v - max) / temperature));
  let u = random() * weights.reduce((a, w) => a + w, 0);
  for (let c = 0; c < width; c++) {
    u -= weights[c]!;
    if (u <= 0) return c;
  }
  return width - 1;
}

/** Output token ids up to and including the end token (all of them when there is none). */
export function untilEnd(ids: readonly number[], end: number | undefined): number[] {
  const at = end === undefined ? -1 : ids.indexOf(end);
  return at < 0 ? [...ids] : ids.slice(0, at + 1);
}

/**
 * A seq2seq sample's attention as a labelled matrix: one row per emitted token (up to the end token), one column
 * per real source step, weights rounded to 4 decimals. `attention` is the sample's [outputSteps, inputLength].
 */
export function attentionMatrix(
  task: TaskInstance,
  attention: ArrayLike<number>,
  shape: { rows: number; cols: number },
  ids: readonly number[],
  source: string,
  sourceSteps: number,
): { rows: number; cols: number; values: number[]; rowLabels: string[]; colLabels: string[] } {
  const end = task.spec.specialTokens?.end;
  const emitted = Math.max(1, Math.min(shape.rows, untilEnd(ids, end).length));
  const cols = Math.max(1, Math.min(shape.cols, sourceSteps));
  const values: number[] = [];
  for (let r = 0; r < emitted; r++) {
    for (let c = 0; c < cols; c++) values.push(Math.round(attention[r * shape.cols + c]! * 1e4) / 1e4);
  }
  const chars = Array.from(source);
  return {
    rows: emitted,
    cols,
    values,
    rowLabels: ids.slice(0, emitted).map((id) => (id === end ? "⏎" : classLabel(task, id))),
    colLabels: Array.from({ length: cols }, (_, c) => (chars.length === sourceSteps ? chars[c]! : String(c))),
  };
}
