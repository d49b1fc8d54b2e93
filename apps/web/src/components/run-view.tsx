"use client";

import { useEffect, useMemo, useRef, useState } from "react";
import type { MetricPoint, RunDetail, RunStatus, RunStreamEvent } from "@seqlab/contracts";
import { MetricChart, type ChartSeries } from "./metric-chart";

type SeriesMap = Map<string, Map<number, number>>;

/** Charts group keys by metric name: "loss" and "val/loss" share a chart, so do "train/accuracy" and "val/accuracy". */
function chartNameOf(key: string): string {
  const parts = key.split("/");
  return parts.length > 1 && ["train", "val", "test"].includes(parts[0]!) ? parts.slice(1).join("/") : key;
}

function toCharts(series: SeriesMap): { title: string; series: ChartSeries[] }[] {
  const groups = new Map<string, ChartSeries[]>();
  for (const [key, points] of [...series.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const steps = [...points.keys()].sort((a, b) => a - b);
    const entry: ChartSeries = { key, steps, values: steps.map((s) => points.get(s)!) };
    const title = chartNameOf(key);
    groups.set(title, [...(groups.get(title) ?? []), entry]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a === "loss" ? -1 : b === "loss" ? 1 : a.localeCompare(b)))
    .map(([title, s]) => ({ title, series: s }));
}

const TERMINAL: RunStatus[] = ["SUCCEEDED", "FAILED", "CANCELLED", "DIVERGED"];

/** The run page: status, live charts over SSE (survives refresh: the stream starts with a snapshot), config, artifacts, log. */
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
  const series = useRef<SeriesMap>(new Map());
  const frame = useRef<number | null>(null);

  useEffect(() => {
    const bump = () => {
      if (frame.current !== null) return;
      frame.current = requestAnimationFrame(() => {
        frame.current = null;
        setVersion((v) => v + 1);
      });
    };
    const addPoints = (points: MetricPoint[]) => {
      for (const p of points) {
        let s = series.current.get(p.key);
        if (!s) series.current.set(p.key, (s = new Map()));
        s.set(p.step, p.value);
      }
      bump();
    };
    const source = new EventSource(`/api/runs/${initialRun.id}/stream`);
    source.onopen = () => setLive("connected");
    source.onerror = () => setLive("reconnecting");
    source.onmessage = (message) => {
      const event = JSON.parse(message.data) as RunStreamEvent;
      if (event.type === "metrics") addPoints(event.points);
      else if (event.type === "status") {
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
  }, [initialRun.id]);

  // eslint-disable-next-line react-hooks/exhaustive-deps
  const charts = useMemo(() => toCharts(series.current), [version]);
  const lossSeries = series.current.get("loss");
  const lastStep = lossSeries && lossSeries.size ? Math.max(...lossSeries.keys()) : run.lastStep;

  const cancel = async () => {
    await fetch(`/api/runs/${run.id}/cancel`, { method: "POST" });
  };

  return (
    <>
      <div className="row" style={{ justifyContent: "space-between", alignItems: "center" }}>
        <h1>
          {run.name}{" "}
          <span className={`badge ${status}`} data-testid="run-status">
            {status}
          </span>
        </h1>
        <div className="row" style={{ gap: 8 }}>
          {mayLaunch && (
            <a
              className="button secondary"
              href={`/t/${run.team}/p/${run.project}/new?from=${run.id}`}
              data-testid="clone"
            >
              Clone
            </a>
          )}
          {mayModify && !TERMINAL.includes(status) && (
            <button className="secondary" onClick={cancel} data-testid="cancel">
              Cancel
            </button>
          )}
        </div>
      </div>
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
            {lastStep ?? "-"} / {run.config.training.steps}
          </dd>
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
          <dt>Live</dt>
          <dd data-testid="live-state">{live === "connected" ? "connected" : `${live}...`}</dd>
        </dl>
      </div>
      <h2>Metrics</h2>
      {charts.length === 0 ? (
        <p className="muted">No metrics yet: the run is waiting for a worker.</p>
      ) : (
        <div className="charts">
          {charts.map((c) => (
            <MetricChart key={c.title} title={c.title} series={c.series} />
          ))}
        </div>
      )}
      {run.attempts.length > 0 && (
        <>
          <h2>Attempts</h2>
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
        </>
      )}
      <div className="row">
        <div className="col">
          <h2>Artifacts</h2>
          {run.artifacts.length === 0 ? (
            <p className="muted">None yet.</p>
          ) : (
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
                {run.artifacts.map((a) => (
                  <tr key={a.id}>
                    <td>{a.kind}</td>
                    <td>
                      <a href={`/api/artifacts/${a.id}`}>{a.name}</a>
                    </td>
                    <td className="num">{a.step ?? "-"}</td>
                    <td className="num">{(a.size / 1024).toFixed(1)} KiB</td>
                    <td title={a.sha256}>{a.sha256.slice(0, 12)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
        <div className="col">
          <h2>Config</h2>
          <pre className="config">{JSON.stringify(run.config, null, 2)}</pre>
        </div>
      </div>
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
