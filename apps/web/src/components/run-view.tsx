"use client";

import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import {
  EvaluationResult,
  GradientFlow,
  LiveSeries,
  type DownsampledSeries,
  type RunDetail,
  type RunEnvironment,
  type RunStatus,
  type RunStreamEvent,
  type SeriesBucket,
  TRAIN_LOSS_KEY,
} from "@seqlab/contracts";
import { TFJS_LAYERS_MODELS } from "@seqlab/models/export";
import { z } from "zod";
import { getParsed } from "./api-client";
import { ChartGroup, ChartToolbar, type XRange } from "./chart-controls";
import { EvaluationCard } from "./evaluation-card";
import { GradientFlowPanel } from "./gradient-flow-panel";
import { PredictionsPanel } from "./predictions-panel";
import { MetricChart, seriesColor, type ChartSeries } from "./metric-chart";
import { RunNotes } from "./run-notes";
import { listedArtifacts } from "../lib/artifact-kinds";
import { newSweepPath, sweepPath } from "../lib/sweep-paths";
import type { XAxisMode } from "../lib/chart-math";

/** Buckets a chart shows across its x-range: the live copy and zoomed re-fetches alike. */
const CHART_BUCKETS = 1000;

/** Charts group keys by metric name: "train/loss" and "val/loss" share a chart, so do the accuracies. */
function chartNameOf(key: string): string {
  const parts = key.split("/");
  return parts.length > 1 && ["train", "val", "test"].includes(parts[0]!) ? parts.slice(1).join("/") : key;
}

/** What the charts draw from: a key list and each key's buckets at one width. */
interface SeriesSource {
  width: number;
  keys: string[];
  buckets(key: string): readonly SeriesBucket[];
}

function sourceOf(series: DownsampledSeries): SeriesSource {
  const byKey = new Map(series.series.map((s) => [s.key, s.buckets]));
  return { width: series.width, keys: [...byKey.keys()].sort(), buckets: (key) => byKey.get(key) ?? [] };
}

function toCharts(source: SeriesSource): { title: string; series: ChartSeries[] }[] {
  const groups = new Map<string, ChartSeries[]>();
  for (const key of source.keys) {
    const buckets = source.buckets(key);
    if (buckets.length === 0) continue;
    const title = chartNameOf(key);
    const entry: ChartSeries = {
      id: key,
      label: key,
      color: seriesColor(groups.get(title)?.length ?? 0),
      steps: buckets.map((b) => b.step),
      wallTimes: buckets.map((b) => b.wallTime),
      values: buckets.map((b) => b.last),
      // A band only where buckets hold more than one point: min and max then show the spikes the line hides.
      ...(source.width > 1 ? { min: buckets.map((b) => b.min), max: buckets.map((b) => b.max) } : {}),
    };
    groups.set(title, [...(groups.get(title) ?? []), entry]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a === "loss" ? -1 : b === "loss" ? 1 : a.localeCompare(b)))
    .map(([title, s]) => ({ title, series: s }));
}

const TERMINAL: RunStatus[] = ["SUCCEEDED", "FAILED", "CANCELLED", "DIVERGED", "CRASHED"];

/** Metrics that are fractions: drawn on a fixed 0 to 1 axis, so 0.9 looks like 0.9 and not like a full chart. */
const RATIO_METRICS: ReadonlySet<string> = new Set([
  "accuracy",
  "exactMatch",
  "characterAccuracy",
  "sequenceAccuracy",
  "bleu1",
  "sentenceBleu1",
]);

/** Models whose checkpoints export as a stock TensorFlow.js layers model (docs/checkpoint-format.md). */
const TFJS_EXPORTABLE: ReadonlySet<string> = new Set(TFJS_LAYERS_MODELS);

/** Worker-sampled resource metrics: a compact strip on the run's whole step range, below the model's metrics. */
const SYSTEM_PREFIX = "system/";

/** GET /api/runs/:id/evaluation's answer. */
const EvaluationAnswer = z.object({ evaluation: EvaluationResult.nullable() });

/**
 * How often a running run's evaluation panels are re-read: a gradient-flow snapshot comes once per evaluation
 * (every 25 steps by default, seconds apart at most), and the panels are no live chart.
 */
const PANEL_REFRESH_MS = 15_000;

/** Metric keys the worker writes with the test-set evaluation: their arrival means the result is (about to be) there. */
const TEST_METRIC_PREFIX = "test/";

/**
 * The run page: status, the test-set result, live charts over SSE (survives refresh: the stream starts with a
 * snapshot), gradient flow, config, artifacts, log.
 */
export function RunView({
  initialRun,
  mayModify,
  mayLaunch,
}: {
  initialRun: RunDetail;
  /** The viewer may cancel or re-prioritise this run (their own as a member; anyone's as an admin). */
  mayModify: boolean;
  /** The viewer may launch runs in its project (Clone). */
  mayLaunch: boolean;
}) {
  const [run, setRun] = useState(initialRun);
  const [status, setStatus] = useState<RunStatus>(initialRun.status);
  const [errorReason, setErrorReason] = useState(initialRun.errorReason);
  const [attempt, setAttempt] = useState(initialRun.attempt);
  const [logs, setLogs] = useState(
    initialRun.events.map((e) => ({ level: e.level, message: e.message, at: e.createdAt })),
  );
  const [version, setVersion] = useState(0);
  // "connecting" until the stream first opens, so a fresh page does not claim it lost a connection.
  const [live, setLive] = useState<"connecting" | "connected" | "reconnecting">("connecting");
  const series = useRef<LiveSeries | null>(null);
  const frame = useRef<number | null>(null);
  // A zoomed step range is re-fetched at full resolution for that range (and then not live).
  const [zoomed, setZoomed] = useState<SeriesSource | null>(null);
  const zoomRequest = useRef(0);
  const [evaluation, setEvaluation] = useState<EvaluationResult | null>(null);
  const [gradientFlow, setGradientFlow] = useState<GradientFlow | null>(null);
  // Only the latest refresh may set the panels: an older answer arriving late would show older data.
  const panelRequest = useRef(0);
  const refreshPanels = useCallback(() => {
    const request = ++panelRequest.current;
    void Promise.all([
      getParsed(`/api/runs/${initialRun.id}/evaluation`, EvaluationAnswer),
      getParsed(`/api/runs/${initialRun.id}/gradient-flow`, GradientFlow),
    ]).then(([evaluationAnswer, flow]) => {
      if (request !== panelRequest.current) return;
      // A failed read keeps what the page showed.
      if (evaluationAnswer) setEvaluation(evaluationAnswer.evaluation);
      if (flow) setGradientFlow(flow);
    });
  }, [initialRun.id]);
  const onZoomChange = useCallback(
    (range: XRange | null, xAxis: XAxisMode) => {
      const request = ++zoomRequest.current;
      if (!range || xAxis !== "step") {
        setZoomed(null);
        return;
      }
      const from = Math.max(0, Math.floor(range.min));
      const to = Math.max(from, Math.ceil(range.max));
      void fetch(`/api/runs/${initialRun.id}/series?from=${from}&to=${to}&buckets=${CHART_BUCKETS}`)
        .then((r) => (r.ok ? (r.json() as Promise<DownsampledSeries>) : null))
        .then((data) => {
          if (data && request === zoomRequest.current) setZoomed(sourceOf(data));
        });
    },
    [initialRun.id],
  );

  useEffect(() => {
    const bump = () => {
      if (frame.current !== null) return;
      frame.current = requestAnimationFrame(() => {
        frame.current = null;
        setVersion((v) => v + 1);
      });
    };
    // Points that arrive before the snapshot (none should: the server sends it first) wait for it.
    let early: RunStreamEvent[] = [];
    const source = new EventSource(`/api/runs/${initialRun.id}/stream`);
    source.onopen = () => setLive("connected");
    source.onerror = () => setLive("reconnecting");
    source.onmessage = (message) => {
      const event = JSON.parse(message.data) as RunStreamEvent;
      if (event.type === "series") {
        // Every (re)connection starts with a snapshot: it replaces the live copy.
        series.current = new LiveSeries(event.series, CHART_BUCKETS);
        for (const e of early) if (e.type === "metrics") series.current.add(e.points);
        early = [];
        bump();
      } else if (event.type === "metrics") {
        if (!series.current) early.push(event);
        else if (series.current.add(event.points)) bump();
        if (event.points.some((p) => p.key.startsWith(TEST_METRIC_PREFIX))) refreshPanels();
      } else if (event.type === "status") {
        setStatus(event.status);
        if (event.errorReason !== undefined) setErrorReason(event.errorReason ?? null);
        if (event.attempt !== undefined) setAttempt(event.attempt);
        {
          // A new attempt, a hand-over or the end: refresh details (attempts, artifacts, queue position).
          void fetch(`/api/runs/${initialRun.id}`)
            .then((r) => r.json())
            .then((j: { run?: RunDetail }) => {
              if (j.run) {
                setRun(j.run);
                setLogs(j.run.events.map((e) => ({ level: e.level, message: e.message, at: e.createdAt })));
              }
            });
        }
      } else if (event.type === "log") {
        setLogs((l) => [
          ...l.slice(-499),
          { level: event.level, message: event.message, at: new Date(event.at).toISOString() },
        ]);
      }
    };
    return () => source.close();
  }, [initialRun.id, refreshPanels]);

  // On load and at every status change (the end of training above all, when the test-set result is written).
  useEffect(() => {
    refreshPanels();
  }, [refreshPanels, status]);

  // While training, gradient-flow snapshots keep arriving: re-read them now and then.
  useEffect(() => {
    if (status !== "RUNNING") return;
    const timer = setInterval(refreshPanels, PANEL_REFRESH_MS);
    return () => clearInterval(timer);
  }, [refreshPanels, status]);

  const charts = useMemo(() => {
    if (zoomed) return toCharts(zoomed);
    const current = series.current;
    return current ? toCharts({ width: current.width, keys: current.keys(), buckets: (k) => current.buckets(k) }) : [];
    // `version` stands for the live copy's changes (it is mutated in place, not replaced).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [version, zoomed]);
  const streamedStep = series.current?.lastStep(TRAIN_LOSS_KEY) ?? -1;
  const lastStep = streamedStep >= 0 ? streamedStep : run.lastStep;

  const artifacts = listedArtifacts(run.artifacts);

  const [actionError, setActionError] = useState<string | null>(null);
  const cancel = async () => {
    const response = await fetch(`/api/runs/${run.id}/cancel`, { method: "POST" });
    const body = (await response.json().catch(() => ({}))) as { outcome?: string; error?: string };
    // A queued run is cancelled at once: show it now rather than when the stream says so.
    if (response.ok && body.outcome === "cancelled") setStatus("CANCELLED");
    setActionError(response.ok ? null : (body.error ?? `cancel failed (${response.status})`));
  };
  const hasCheckpoint = run.artifacts.some((a) => a.kind === "checkpoint");
  const resume = async () => {
    const response = await fetch(`/api/runs/${run.id}/resume`, { method: "POST" });
    const body = (await response.json().catch(() => ({}))) as { error?: string };
    if (response.ok) {
      setStatus("QUEUED");
      setErrorReason(null);
    }
    setActionError(response.ok ? null : (body.error ?? `resume failed (${response.status})`));
  };
  const runHref = `/t/${run.team}/p/${run.project}/runs/${run.id}`;
  const ext = run.externalInfo;
  const totalSteps = run.config?.training.steps ?? ext?.totalSteps ?? null;

  return (
    <>
      <div className="row" style={{ justifyContent: "space-between", alignItems: "center" }}>
        <h1>
          {run.name}{" "}
          <span className={`badge ${status}`} data-testid="run-status">
            {status}
          </span>
          {run.external && (
            <>
              {" "}
              <span
                className="badge external"
                data-testid="external-badge"
                title="Trained by its own script through the SDK: no queue, no cancel from here"
              >
                external
              </span>
            </>
          )}
        </h1>
        <div className="row" style={{ gap: 8 }}>
          {mayLaunch && !run.external && (
            <a
              className="button secondary"
              href={`/t/${run.team}/p/${run.project}/new?from=${run.id}`}
              data-testid="clone"
            >
              Clone
            </a>
          )}
          {mayLaunch && !run.external && (
            <a
              className="button secondary"
              href={newSweepPath({ team: run.team, project: run.project }, run.id)}
              data-testid="sweep-from-run"
              title="Vary this run's settings in a hyperparameter sweep"
            >
              Sweep from this run
            </a>
          )}
          {hasCheckpoint && (
            <a className="button secondary" href={`${runHref}/playground`} data-testid="playground-link">
              Playground
            </a>
          )}
          {mayModify && (status === "CANCELLED" || status === "FAILED") && hasCheckpoint && (
            <button
              className="secondary"
              onClick={resume}
              data-testid="resume"
              title="Continue from the newest checkpoint as a new attempt"
            >
              Resume
            </button>
          )}
          {mayModify && !run.external && !TERMINAL.includes(status) && (
            <button className="secondary" onClick={cancel} data-testid="cancel">
              Cancel
            </button>
          )}
        </div>
      </div>
      {actionError && (
        <div className="error-box" role="alert" data-testid="action-error">
          {actionError}
        </div>
      )}
      {errorReason && (
        <div className="error-box" data-testid="run-error">
          {errorReason}
        </div>
      )}
      {status === "QUEUED" && run.queueWarning && (
        <div className="warn-box" role="status" data-testid="queue-warning">
          {run.queueWarning}
        </div>
      )}
      <div className="panel">
        <dl className="kv">
          <dt>Model</dt>
          <dd>{run.modelName}</dd>
          <dt>Dataset</dt>
          <dd>{run.datasetName}</dd>
          <dt>Step</dt>
          <dd data-testid="run-step">
            {lastStep ?? "-"} / {totalSteps ?? "?"}
          </dd>
          {ext ? (
            <>
              <dt>Trained by</dt>
              <dd data-testid="external-source">
                its own script
                {ext.environment ? ` on ${ext.environment.host}` : ""}
                {ext.environment?.tfjsBackend ? ` (tfjs ${ext.environment.tfjsBackend})` : ""}
              </dd>
              <dt>Last heard</dt>
              <dd data-testid="heartbeat-at">{ext.heartbeatAt ? new Date(ext.heartbeatAt).toLocaleString() : "-"}</dd>
            </>
          ) : (
            <>
              <dt>Attempt</dt>
              <dd>
                {attempt} of {run.maxAttempts}
              </dd>
              <dt>Backend</dt>
              <dd>
                {run.backend ?? "-"} {run.device ? `(${run.device})` : ""}
              </dd>
              <dt>Seed</dt>
              <dd>{run.seed}</dd>
              <dt>Queue</dt>
              <dd>
                {run.queueName} (priority {run.priority})
                {status === "QUEUED" && run.queuePosition ? `, position ${run.queuePosition}` : ""}
              </dd>
            </>
          )}
          {run.sweep && (
            <>
              <dt>Sweep</dt>
              <dd data-testid="run-sweep">
                <a href={sweepPath({ team: run.team, project: run.project }, run.sweep.id)}>
                  Trial #{run.sweep.trialNumber} of sweep
                </a>{" "}
                <span className="muted">(rung {run.sweep.rung})</span>
              </dd>
            </>
          )}
          {run.parent && (
            <>
              <dt>Cloned from</dt>
              <dd data-testid="parent-run">
                <a href={`/t/${run.team}/p/${run.project}/runs/${run.parent.id}`}>{run.parent.name}</a>
              </dd>
            </>
          )}
          <dt>Live</dt>
          <dd data-testid="live-state">
            {TERMINAL.includes(status) ? "ended" : live === "connected" ? "connected" : `${live}...`}
          </dd>
        </dl>
      </div>
      <EvaluationCard evaluation={evaluation} finished={TERMINAL.includes(status)} />
      <RunNotes run={run} mayEdit={mayModify} onSaved={setRun} />
      <div className="row" style={{ justifyContent: "space-between", alignItems: "baseline" }}>
        <h2>Metrics</h2>
        <span className="muted">
          Every point:{" "}
          <a href={`/api/runs/${run.id}/metrics?format=csv`} data-testid="export-series-csv">
            CSV
          </a>{" "}
          ·{" "}
          <a href={`/api/runs/${run.id}/metrics?format=json`} data-testid="export-series-json">
            JSON
          </a>
        </span>
      </div>
      {charts.length === 0 ? (
        <p className="muted">
          {run.external
            ? "No metrics yet: waiting for its script's first points."
            : "No metrics yet: the run is waiting for a worker."}
        </p>
      ) : (
        <ChartGroup onZoomChange={onZoomChange}>
          <ChartToolbar />
          {zoomed && (
            <p className="muted" data-testid="zoom-note">
              Zoomed: re-bucketed for this range (
              {zoomed.width === 1 ? "every point" : `${zoomed.width} steps a bucket`}
              ); live updates resume when you reset the zoom.
            </p>
          )}
          <div className="charts">
            {charts
              .filter((c) => !c.title.startsWith(SYSTEM_PREFIX))
              .map((c) => (
                <MetricChart
                  key={c.title}
                  title={c.title}
                  series={c.series}
                  yRange={RATIO_METRICS.has(c.title) ? [0, 1] : null}
                />
              ))}
          </div>
          {charts.some((c) => c.title.startsWith(SYSTEM_PREFIX)) && (
            <>
              <h3 className="system-title">System</h3>
              <div className="charts system-strip" data-testid="system-charts">
                {charts
                  .filter((c) => c.title.startsWith(SYSTEM_PREFIX))
                  .map((c) => (
                    <MetricChart
                      key={c.title}
                      title={c.title.slice(SYSTEM_PREFIX.length)}
                      series={c.series}
                      height={110}
                      xRange={totalSteps ? [0, totalSteps] : null}
                    />
                  ))}
              </div>
            </>
          )}
        </ChartGroup>
      )}
      {gradientFlow && gradientFlow.snapshots.length > 0 && <GradientFlowPanel flow={gradientFlow} />}
      {run.config && (
        <>
          <h2>Predictions</h2>
          <PredictionsPanel
            runId={run.id}
            refreshKey={`${status}:${Math.floor((lastStep ?? 0) / run.config.training.evalEvery)}`}
          />
        </>
      )}
      {run.attempts.length > 0 && (
        <>
          <h2>Attempts</h2>
          <div className="table-scroll">
            <table className="grid" data-testid="attempts">
              <thead>
                <tr>
                  <th>#</th>
                  <th>Worker</th>
                  <th>Backend</th>
                  <th>Started</th>
                  <th>Ended</th>
                  <th>Outcome</th>
                  <th>Step</th>
                </tr>
              </thead>
              <tbody>
                {run.attempts.map((a) => (
                  <tr key={a.attempt}>
                    <td className="num">{a.attempt}</td>
                    <td>{a.worker ?? "-"}</td>
                    <td>{a.backend ?? "-"}</td>
                    <td>{new Date(a.startedAt).toLocaleTimeString()}</td>
                    <td>{a.endedAt ? new Date(a.endedAt).toLocaleTimeString() : "-"}</td>
                    <td>{a.outcome ?? "running"}</td>
                    <td className="num">{a.step ?? "-"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <div className="row">
        <div className="col">
          <h2>Artifacts</h2>
          {artifacts.length === 0 ? (
            <p className="muted">None yet.</p>
          ) : (
            <div className="table-scroll">
              <table className="grid" data-testid="artifacts">
                <thead>
                  <tr>
                    <th>Kind</th>
                    <th>Name</th>
                    <th>Step</th>
                    <th>Size</th>
                    <th>sha256</th>
                  </tr>
                </thead>
                <tbody>
                  {artifacts.map((a) => (
                    <tr key={a.id}>
                      <td>{a.kind}</td>
                      <td>
                        <a href={`/api/artifacts/${a.id}`}>{a.name}</a>
                        {a.kind === "checkpoint" && (
                          <span className="muted small" data-testid="checkpoint-exports">
                            {" "}
                            · <a href={`/api/artifacts/${a.id}/export?format=safetensors`}>safetensors</a>
                            {run.config && TFJS_EXPORTABLE.has(run.config.model) && (
                              <>
                                {" "}
                                · <a href={`/api/artifacts/${a.id}/tfjs/model.json`}>tfjs model.json</a>
                              </>
                            )}
                          </span>
                        )}
                      </td>
                      <td className="num">{a.step ?? "-"}</td>
                      <td className="num">{(a.size / 1024).toFixed(1)} KiB</td>
                      <td title={a.sha256}>{a.sha256.slice(0, 12)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
        <div className="col">
          <h2>Config</h2>
          <pre className="config">{JSON.stringify(run.config ?? ext?.config ?? {}, null, 2)}</pre>
        </div>
      </div>
      {ext?.environment && <EnvironmentPanel environment={ext.environment} />}
      <h2>Log</h2>
      <div className="log" data-testid="run-log">
        {logs.map((l, i) => (
          <div key={i} className={l.level}>
            {new Date(l.at).toLocaleTimeString()} {l.message}
          </div>
        ))}
      </div>
    </>
  );
}

/** Where an external run's code came from and ran: what W&B's "Overview" shows, so a result can be reproduced. */
function EnvironmentPanel({ environment: env }: { environment: RunEnvironment }) {
  const packages = Object.entries(env.packages).sort(([a], [b]) => a.localeCompare(b));
  return (
    <>
      <h2>Environment</h2>
      <div className="panel" data-testid="environment">
        <dl className="kv">
          <dt>Git</dt>
          <dd data-testid="environment-git">
            {env.git ? (
              <>
                <code>{env.git.commit.slice(0, 12)}</code>
                {env.git.branch ? ` on ${env.git.branch}` : ""}
                {env.git.dirty ? (
                  <span className="badge FAILED" title="Tracked files had uncommitted changes when the run started">
                    dirty
                  </span>
                ) : (
                  " (clean)"
                )}
                {env.git.remote ? <span className="muted small"> {env.git.remote}</span> : null}
              </>
            ) : (
              "not a git checkout"
            )}
          </dd>
          <dt>Command</dt>
          <dd>
            <code className="wrap">{env.command.join(" ")}</code>
          </dd>
          <dt>Directory</dt>
          <dd>
            <code className="wrap">{env.cwd}</code>
          </dd>
          <dt>Host</dt>
          <dd>
            {env.host} ({env.platform})
          </dd>
          <dt>Node</dt>
          <dd>{env.node}</dd>
          {env.tfjsBackend && (
            <>
              <dt>tfjs backend</dt>
              <dd>{env.tfjsBackend}</dd>
            </>
          )}
          {packages.length > 0 && (
            <>
              <dt>Packages</dt>
              <dd className="small">
                {packages.map(([name, version]) => (
                  <span key={name} className="package-version">
                    {name}@{version}{" "}
                  </span>
                ))}
              </dd>
            </>
          )}
        </dl>
      </div>
    </>
  );
}
