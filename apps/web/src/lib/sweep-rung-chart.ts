/*
 * The rung chart of the ASHA paper's figures: each trial's metric at the end of every rung it finished, against
 * that rung's steps, joined across rungs. A result the trial went on from was promoted; the last result of a
 * trial that stopped was not. Pure, so the geometry is tested without a browser.
 */
import type { RunStatus, SweepDetail, SweepTrialView } from "@seqlab/contracts";

/** One (trial, rung) result. */
export interface RungResult {
  runId: string;
  trialNumber: number;
  bracket: number;
  /** The rung's index in the trial's bracket. */
  rung: number;
  /** The rung's steps, the x of the point. */
  steps: number;
  value: number;
  /** The trial trained on past this rung (its current rung is higher). */
  promoted: boolean;
}

/** One trial's results in rung order, drawn as one polyline. */
export interface RungTrialLine {
  runId: string;
  trialNumber: number;
  status: RunStatus;
  results: RungResult[];
}

/**
 * Every trial's finished rungs, in trial order; trials without any result are left out. `rungs` is
 * SweepDetail.rungs (the step ladder of each bracket); a result whose rung the ladder lacks (it should not happen)
 * has no x and is left out too, as are null and non-finite values.
 */
export function rungChartLines(
  trials: readonly Pick<SweepTrialView, "runId" | "trialNumber" | "bracket" | "rung" | "status" | "results">[],
  rungs: SweepDetail["rungs"],
): RungTrialLine[] {
  const lines: RungTrialLine[] = [];
  for (const trial of [...trials].sort((a, b) => a.trialNumber - b.trialNumber)) {
    const ladder = rungs[trial.bracket] ?? [];
    const results: RungResult[] = [];
    trial.results.forEach((value, rung) => {
      const steps = ladder[rung];
      if (value === null || !Number.isFinite(value) || steps === undefined) return;
      results.push({
        runId: trial.runId,
        trialNumber: trial.trialNumber,
        bracket: trial.bracket,
        rung,
        steps,
        value,
        promoted: rung < trial.rung,
      });
    });
    if (results.length > 0)
      lines.push({ runId: trial.runId, trialNumber: trial.trialNumber, status: trial.status, results });
  }
  return lines;
}

/** The distinct rung step counts over all brackets, ascending: the x axis' ticks. */
export function rungStepTicks(rungs: SweepDetail["rungs"]): number[] {
  return [...new Set(rungs.flat())].sort((a, b) => a - b);
}

/** How many trials finished each rung step count and how many of those went on: the chart's caption per rung. */
export function rungCounts(lines: readonly RungTrialLine[]): { steps: number; finished: number; promoted: number }[] {
  const by = new Map<number, { finished: number; promoted: number }>();
  for (const r of lines.flatMap((l) => l.results)) {
    const entry = by.get(r.steps) ?? { finished: 0, promoted: 0 };
    entry.finished += 1;
    if (r.promoted) entry.promoted += 1;
    by.set(r.steps, entry);
  }
  return [...by.entries()].sort(([a], [b]) => a - b).map(([steps, c]) => ({ steps, ...c }));
}
