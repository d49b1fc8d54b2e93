/*
 * How the sweep pages word a sweep's settings and numbers: one place, so the list, the header and the table say
 * "ASHA (η 3)" and "12,500 steps" alike.
 */
import type { SweepDetail, SweepSummary, SweepValue } from "@seqlab/contracts";
import { formatNumber } from "./compare-math";

/** A scheduler's name as people write it. */
export function schedulerName(kind: SweepSummary["scheduler"]): string {
  return kind === "asha" ? "ASHA" : kind === "hyperband" ? "Hyperband" : "no early stopping";
}

/** "random search" / "grid search". */
export function methodName(method: SweepSummary["method"]): string {
  return `${method} search`;
}

/** A step count with thousands separators (fixed to en-US, so server and browser render the same text). */
export function formatSteps(steps: number): string {
  return steps.toLocaleString("en-US");
}

/** A rung ladder: "25 · 75 · 225 · 500". */
export function formatLadder(rungs: readonly number[]): string {
  return rungs.map(formatSteps).join(" · ");
}

/**
 * The scheduler with its settings: "ASHA, η 3, rungs 25 · 75 · 225 · 500 steps"; Hyperband adds its bracket count
 * and shows the first (longest) bracket's ladder; without a scheduler, the steps every trial trains.
 */
export function describeScheduler(
  scheduler: SweepDetail["definition"]["scheduler"],
  rungs: SweepDetail["rungs"],
): string {
  const first = rungs[0] ?? [];
  if (scheduler.kind === "none") {
    return first.length > 0
      ? `no early stopping, every trial trains ${formatSteps(first[0]!)} steps`
      : "no early stopping";
  }
  const ladder = first.length > 0 ? `, rungs ${formatLadder(first)} steps` : "";
  if (scheduler.kind === "asha") return `ASHA, η ${scheduler.eta}${ladder}`;
  const brackets = rungs.length === 1 ? "1 bracket" : `${rungs.length} brackets`;
  return `Hyperband, η ${scheduler.eta}, ${brackets}${ladder}`;
}

/** A trial's parameter value for a table cell: numbers in four significant digits, the rest as they are. */
export function formatSweepValue(value: SweepValue | undefined): string {
  if (value === undefined) return "–";
  return typeof value === "number" ? formatNumber(value) : String(value);
}

/** "training.learningRate" → "learningRate": a column head, with the full path in its tooltip. */
export function parameterShortName(path: string): string {
  const dot = path.lastIndexOf(".");
  return dot < 0 ? path : path.slice(dot + 1);
}
