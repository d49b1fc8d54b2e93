/*
 * The best-so-far curve of the ASHA paper's figures: the best metric any trial has reached against the optimiser
 * steps the sweep has spent. The server sends one point per rung result; the chart draws them as a staircase,
 * since the best only changes when a result comes in.
 */
import type { SweepDetail } from "@seqlab/contracts";

/** One point of SweepDetail.bestSoFar: the best after `steps` steps in all, and the trial that holds it. */
export type BestSoFarPoint = SweepDetail["bestSoFar"][number];

/** A vertex of the staircase, in data units. */
export interface StairVertex {
  steps: number;
  best: number;
}

/** The points in step order (stable for equal steps: results that came together keep the server's order). */
function inStepOrder(points: readonly BestSoFarPoint[]): BestSoFarPoint[] {
  return points.filter((p) => Number.isFinite(p.best) && Number.isFinite(p.steps)).sort((a, b) => a.steps - b.steps);
}

/**
 * The staircase through the points: level from each result to the next, then a vertical step to the next best, and
 * level on to `endSteps` (the steps spent now) when that lies further right, so a sweep that trains without
 * improving shows a flat tail rather than a curve that stops.
 */
export function bestSoFarStairs(points: readonly BestSoFarPoint[], endSteps?: number): StairVertex[] {
  const ordered = inStepOrder(points);
  const out: StairVertex[] = [];
  for (const p of ordered) {
    const last = out[out.length - 1];
    if (last && last.best !== p.best) out.push({ steps: p.steps, best: last.best });
    out.push({ steps: p.steps, best: p.best });
  }
  const last = out[out.length - 1];
  if (last && endSteps !== undefined && endSteps > last.steps) out.push({ steps: endSteps, best: last.best });
  return out;
}

/**
 * The points where the best changed (the first result included): the dots the chart marks, each with the trial
 * that set the new best.
 */
export function bestSoFarImprovements(points: readonly BestSoFarPoint[]): BestSoFarPoint[] {
  const out: BestSoFarPoint[] = [];
  for (const p of inStepOrder(points)) {
    if (out.length === 0 || out[out.length - 1]!.best !== p.best) out.push(p);
  }
  return out;
}
