/**
 * The pure parts of the run page's Predictions panel: the CTC alignment strip, the attention map's colours, the
 * forecast plot's paths and the step slider's choice.
 */

/** A run of equal consecutive frames of a CTC alignment: what one cell of the strip under the image shows. */
export interface AlignmentSegment {
  /** The label the frames emit ("" for the blank). */
  label: string;
  /** First frame (inclusive) and end frame (exclusive). */
  start: number;
  end: number;
}

/**
 * Consecutive frames with the same argmax label merged into segments. A label repeated with a blank between is
 * two segments (CTC emits it twice); one held over several frames is one.
 */
export function alignmentSegments(alignment: readonly string[]): AlignmentSegment[] {
  const segments: AlignmentSegment[] = [];
  alignment.forEach((label, frame) => {
    const last = segments.at(-1);
    if (last && last.label === label) last.end = frame + 1;
    else segments.push({ label, start: frame, end: frame + 1 });
  });
  return segments;
}

/** The text greedy CTC decoding reads off an alignment: segments' labels without blanks. */
export function alignmentText(alignment: readonly string[]): string {
  return alignmentSegments(alignment)
    .map((s) => s.label)
    .join("");
}

/**
 * The fill of an attention weight in [0, 1]: white to the accent blue, with a square root so that the small
 * weights attention spreads over neighbours stay visible beside the peak.
 */
export function attentionColor(weight: number): string {
  const w = Number.isFinite(weight) ? Math.sqrt(Math.min(1, Math.max(0, weight))) : 0;
  const mix = (from: number, to: number) => Math.round(from + (to - from) * w);
  return `rgb(${mix(255, 37)}, ${mix(255, 82)}, ${mix(255, 196)})`;
}

/** An SVG polyline's points for `values` placed at x = x0, x0 + 1, ... of `length` slots in a width x height box. */
export function polylinePoints(
  values: readonly number[],
  x0: number,
  length: number,
  range: { min: number; max: number },
  box: { width: number; height: number },
): string {
  const span = range.max - range.min || 1;
  const step = length > 1 ? box.width / (length - 1) : 0;
  return values
    .map((v, i) => {
      const x = (x0 + i) * step;
      const y = box.height - ((v - range.min) / span) * box.height;
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(" ");
}

/** The min and max of every finite value of the lists (0..1 when there is none). */
export function valueRange(...lists: readonly (readonly number[])[]): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const list of lists) {
    for (const v of list) {
      if (!Number.isFinite(v)) continue;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
  }
  return min === Infinity ? { min: 0, max: 1 } : { min, max: max === min ? min + 1 : max };
}

/** Index of the logged step closest to `wanted` (the last when `wanted` is null); -1 when nothing is logged. */
export function nearestStepIndex(steps: readonly number[], wanted: number | null): number {
  if (steps.length === 0) return -1;
  if (wanted === null) return steps.length - 1;
  let best = 0;
  steps.forEach((s, i) => {
    if (Math.abs(s - wanted) < Math.abs((steps[best] as number) - wanted)) best = i;
  });
  return best;
}
