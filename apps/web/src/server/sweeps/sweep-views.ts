import {
  SweepDefinition,
  type SweepDetail,
  type SweepSummary,
  type SweepTrialView,
  type TrialParameters,
} from "@seqlab/contracts";
import type { SweepResultRow, SweepRow, TrialRow } from "@seqlab/db";
import {
  bestTrial,
  compareMetric,
  isRankable,
  schedulerBrackets,
  trialCount,
  trialParameters,
  trialRungSteps,
} from "@seqlab/sweeps";
import type { Services } from "../services";

/** Each trial's results by rung index (null where the rung ended with no metric logged). */
function resultsByTrial(results: readonly SweepResultRow[]): Map<number, (number | null)[]> {
  const byTrial = new Map<number, (number | null)[]>();
  for (const r of results) {
    const values = byTrial.get(r.trialNumber) ?? [];
    values[r.rung] = r.value;
    byTrial.set(r.trialNumber, values);
  }
  return byTrial;
}

/** The summary of a sweep from its rows; `definition` is the stored one, parsed. */
function summarize(
  row: SweepRow,
  definition: SweepDefinition,
  trials: readonly TrialRow[],
  results: readonly SweepResultRow[],
): SweepSummary {
  const byTrial = resultsByTrial(results);
  const ranked = trials.map((t) => ({
    trialNumber: t.trialNumber,
    bracket: t.bracket,
    runId: t.runId,
    results: (byTrial.get(t.trialNumber) ?? []).map((v) => v ?? undefined),
  }));
  const best = bestTrial(ranked, (t) => trialRungSteps(definition, t), definition.metric.goal);
  return {
    id: row.id,
    name: row.name,
    team: row.team,
    project: row.project,
    status: row.status,
    method: definition.method,
    scheduler: definition.scheduler.kind,
    metric: definition.metric,
    trialsCreated: row.trialsCreated,
    trialCount: trialCount(definition),
    stepsSpent: trials.reduce((sum, t) => sum + (t.lastStep ?? 0), 0),
    best: best ? { runId: best.trial.runId, value: best.value, trialNumber: best.trial.trialNumber } : null,
    createdAt: row.createdAt.toISOString(),
    sourceRunId: row.sourceRunId,
  };
}

/** The best metric so far after each rung result, against the sweep's steps spent when it came. */
function bestSoFar(definition: SweepDefinition, results: readonly SweepResultRow[]): SweepDetail["bestSoFar"] {
  const curve: SweepDetail["bestSoFar"] = [];
  let best: { value: number; trialNumber: number } | null = null;
  for (const r of results) {
    if (isRankable(r.value ?? undefined)) {
      if (best === null || compareMetric(r.value!, best.value, definition.metric.goal) < 0) {
        best = { value: r.value!, trialNumber: r.trialNumber };
      }
    }
    if (best !== null) curve.push({ steps: r.stepsSpent, best: best.value, trialNumber: best.trialNumber });
  }
  return curve;
}

/** A project's sweeps, newest first, each summarised. */
export async function listSweeps(services: Services, projectId: string): Promise<SweepSummary[]> {
  const rows = await services.sweeps.listSweeps(projectId);
  const summaries: SweepSummary[] = [];
  for (const row of rows) {
    const definition = SweepDefinition.safeParse(row.definition);
    if (!definition.success) continue;
    const [trials, results] = await Promise.all([services.sweeps.trialsOf(row.id), services.sweeps.resultsOf(row.id)]);
    summaries.push(summarize(row, definition.data, trials, results));
  }
  return summaries;
}

/** A sweep's page: summary, definition, rungs, trials and the best-so-far curve; null when there is none. */
export async function loadSweepDetail(services: Services, sweepId: string): Promise<SweepDetail | null> {
  const row = await services.sweeps.findSweep(sweepId);
  if (!row) return null;
  return detailOf(services, row);
}

/** The detail of a sweep whose row is already read (the API reads it for the access check). */
export async function detailOf(services: Services, row: SweepRow): Promise<SweepDetail | null> {
  const parsed = SweepDefinition.safeParse(row.definition);
  if (!parsed.success) return null;
  const definition = parsed.data;
  const [trials, results] = await Promise.all([services.sweeps.trialsOf(row.id), services.sweeps.resultsOf(row.id)]);
  const byTrial = resultsByTrial(results);
  const views: SweepTrialView[] = trials.map((t) => {
    const values = byTrial.get(t.trialNumber) ?? [];
    const filled = Array.from({ length: values.length }, (_, i) => values[i] ?? null);
    const parameters: TrialParameters = trialParameters(definition, t.trialNumber) ?? {};
    return {
      runId: t.runId,
      runName: t.name,
      trialNumber: t.trialNumber,
      bracket: t.bracket,
      rung: t.rung,
      rungSteps: trialRungSteps(definition, t)[t.rung] ?? definition.base.training.steps,
      status: t.status,
      parameters,
      results: filled,
      metric: [...filled].reverse().find((v) => v !== null) ?? null,
      lastStep: t.lastStep,
    };
  });
  return {
    ...summarize(row, definition, trials, results),
    definition,
    rungs: schedulerBrackets(definition.scheduler) ?? [[definition.base.training.steps]],
    trials: views,
    bestSoFar: bestSoFar(definition, results),
  };
}
