"use client";

import { SweepDetail, type SweepSummary } from "@seqlab/contracts";
import { useEffect, useMemo, useState } from "react";
import { z } from "zod";
import { formatNumber } from "../lib/compare-math";
import { trialColors } from "../lib/sweep-colors";
import { isSweepLive, SWEEP_POLL_MS } from "../lib/sweep-live";
import { projectPath, sweepsPath, trialRunPath } from "../lib/sweep-paths";
import { describeScheduler, formatSteps, methodName } from "../lib/sweep-text";
import { getParsed } from "./api-client";
import { ParallelCoordinates, type ParallelRun } from "./parallel-coordinates";
import { SweepBestSoFarChart } from "./sweep-best-so-far-chart";
import { SweepCompareTop } from "./sweep-compare-top";
import { SweepControls } from "./sweep-controls";
import { SweepRungChart } from "./sweep-rung-chart";
import { SweepTrialsTable } from "./sweep-trials-table";

/** GET /api/sweeps/:id's answer. */
const SweepAnswer = z.object({ sweep: SweepDetail });

/**
 * A sweep's page: its header (status, search, scheduler, metric, progress, best, controls), the best-so-far curve,
 * the rung chart, parallel coordinates of the trials and the trials table. It re-reads the sweep every
 * {@link SWEEP_POLL_MS} while anything in it can still change (see isSweepLive).
 */
export function SweepView({
  initialSweep,
  mayControl,
}: {
  initialSweep: SweepDetail;
  /** The viewer may pause, resume and cancel the sweep (the server checks again). */
  mayControl: boolean;
}) {
  const [sweep, setSweep] = useState(initialSweep);
  // Bumped after every read, failed ones too, so a failed poll schedules the next rather than ending the polling.
  const [reads, setReads] = useState(0);
  const live = isSweepLive(sweep);
  const id = initialSweep.id;

  useEffect(() => {
    if (!live) return;
    let stopped = false;
    const timer = setTimeout(() => {
      void getParsed(`/api/sweeps/${id}`, SweepAnswer).then((answer) => {
        if (stopped) return;
        // A failed read keeps what the page shows.
        if (answer) setSweep(answer.sweep);
        setReads((n) => n + 1);
      });
    }, SWEEP_POLL_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [id, live, reads]);

  const onChanged = (changed: SweepSummary | SweepDetail) => {
    setSweep((current) => ({ ...current, ...changed }));
    setReads((n) => n + 1);
  };

  const place = { team: sweep.team, project: sweep.project };
  const { definition, metric } = sweep;
  const parameterKeys = Object.keys(definition.parameters);
  const parallelRuns = useMemo((): ParallelRun[] => {
    const colors = trialColors(sweep.trials, sweep.metric.goal);
    return sweep.trials.map((t) => ({
      id: t.runId,
      label: `Trial #${t.trialNumber}`,
      color: colors.get(t.runId) ?? "#adb5bd",
      config: new Map(Object.entries(t.parameters)),
      metric: t.metric,
    }));
  }, [sweep.trials, sweep.metric.goal]);

  return (
    <>
      <p className="muted">
        <a href={projectPath(place)}>{sweep.project}</a> / <a href={sweepsPath(place)}>Sweeps</a>
      </p>
      <div className="row" style={{ justifyContent: "space-between", alignItems: "center" }}>
        <h1>
          {sweep.name}{" "}
          <span className={`badge ${sweep.status}`} data-testid="sweep-status">
            {sweep.status}
          </span>
        </h1>
        <div className="row" style={{ gap: 8, alignItems: "center" }}>
          <SweepCompareTop trials={sweep.trials} metric={metric} place={place} />
          {mayControl && <SweepControls sweepId={sweep.id} status={sweep.status} onChanged={onChanged} />}
        </div>
      </div>
      <div className="panel">
        <dl className="kv">
          <dt>Search</dt>
          <dd data-testid="sweep-method">{methodName(sweep.method)}</dd>
          <dt>Scheduler</dt>
          <dd data-testid="sweep-scheduler">{describeScheduler(definition.scheduler, sweep.rungs)}</dd>
          <dt>Metric</dt>
          <dd data-testid="sweep-metric">
            {metric.name} ({metric.goal})
          </dd>
          <dt>Trials</dt>
          <dd data-testid="sweep-trial-count">
            {sweep.trialsCreated} of {sweep.trialCount} created
            <span className="muted"> · at most {definition.limits.maxConcurrent} at once</span>
          </dd>
          <dt>Steps spent</dt>
          <dd data-testid="sweep-steps">
            {formatSteps(sweep.stepsSpent)}
            {definition.limits.stepBudget !== undefined && (
              <span className="muted"> of a {formatSteps(definition.limits.stepBudget)}-step budget</span>
            )}
          </dd>
          <dt>Best</dt>
          <dd data-testid="sweep-best">
            {sweep.best ? (
              <>
                {formatNumber(sweep.best.value)} by{" "}
                <a href={trialRunPath(place, sweep.best.runId)}>trial #{sweep.best.trialNumber}</a>
              </>
            ) : (
              "–"
            )}
          </dd>
          {sweep.sourceRunId && (
            <>
              <dt>Started from</dt>
              <dd>
                <a href={trialRunPath(place, sweep.sourceRunId)}>
                  <code>{sweep.sourceRunId}</code>
                </a>
              </dd>
            </>
          )}
          <dt>Created</dt>
          <dd title={sweep.createdAt}>{sweep.createdAt.slice(0, 16).replace("T", " ")} UTC</dd>
          <dt>Live</dt>
          <dd data-testid="sweep-live">{live ? `updating every ${SWEEP_POLL_MS / 1000} s` : "ended"}</dd>
        </dl>
      </div>
      <div className="charts">
        <SweepBestSoFarChart
          points={sweep.bestSoFar}
          stepsSpent={sweep.stepsSpent}
          metric={metric}
          {...(definition.limits.stepBudget === undefined ? {} : { stepBudget: definition.limits.stepBudget })}
        />
        <SweepRungChart trials={sweep.trials} rungs={sweep.rungs} metric={metric} />
      </div>
      <h2>Parameters and {metric.name}</h2>
      <p className="muted">
        One line per trial, coloured by rank: indigo the best {metric.name}, amber the worst, grey not measured yet.
      </p>
      <ParallelCoordinates runs={parallelRuns} keys={parameterKeys} metricLabel={metric.name} />
      <h2>Trials</h2>
      <SweepTrialsTable trials={sweep.trials} parameterKeys={parameterKeys} metric={metric} place={place} />
    </>
  );
}
