"use client";

import { Fragment, useCallback, useEffect, useMemo, useRef, useState } from "react";
import {
  formatFieldRef,
  parseFieldRef,
  type DownsampledSeries,
  type MetricSummary,
  type RunStatus,
  type SummaryAggregate,
  TRAIN_LOSS_KEY,
} from "@seqlab/contracts";
import { ChartGroup, ChartToolbar, type XRange } from "./chart-controls";
import { MetricChart } from "./metric-chart";
import { ParallelCoordinates, type ParallelRun } from "./parallel-coordinates";
import type { XAxisMode } from "../lib/chart-math";
import {
  configDiff,
  flattenConfig,
  formatConfigValue,
  formatDelta,
  formatNumber,
  groupCharts,
  groupRuns,
  metricKeys,
  overlayCharts,
  runColors,
  COMPARE_CHART_BUCKETS,
  runLabels,
  sameConfigValue,
  sharedSummaryKeys,
  summaryDelta,
  summaryValue,
  type RunMetrics,
} from "../lib/compare-math";

/** What the comparison needs of one run; the server page loads it. */
export interface CompareRun {
  id: string;
  name: string;
  status: RunStatus;
  lastStep: number | null;
  /** The run page's URL. */
  href: string;
  /** The resolved run config, as stored. */
  config: unknown;
  /** Every metric's summary (last, min, max, ...). */
  summaries: MetricSummary[];
}

/** The view's URL parameters as the page received them; each null when absent. */
export interface CompareParams {
  /** A run id. */
  baseline: string | null;
  /** A config field, `config.training.learningRate`. */
  group: string | null;
  /** A summary field, `summary.loss` or `summary.val/loss.min`. */
  metric: string | null;
}

/** Aggregates the parallel-coordinates metric may use. */
const METRIC_AGGREGATES: SummaryAggregate[] = ["last", "min", "max"];

/** A summary metric reference: key and aggregate. */
interface MetricRef {
  key: string;
  aggregate: SummaryAggregate;
}

/** Each run's downsampled series; runs whose request failed are listed apart. */
interface SeriesFetch {
  byRun: Map<string, DownsampledSeries>;
  failed: string[];
}

/**
 * Every run's series, for steps `range.from`..`range.to` (the whole run when null). A run that could not be read is
 * reported, not thrown; an abort is thrown, so a stale answer never lands.
 */
async function fetchAllSeries(
  ids: readonly string[],
  range: { from: number; to: number } | null,
  signal: AbortSignal,
): Promise<SeriesFetch> {
  const query = new URLSearchParams({ buckets: String(COMPARE_CHART_BUCKETS) });
  if (range) {
    query.set("from", String(range.from));
    query.set("to", String(range.to));
  }
  // One request for every run: one query on the server, and every run at the same bucket width.
  query.set("runs", ids.join(","));
  const response = await fetch(`/api/runs/series?${query}`, { signal });
  if (!response.ok) return { byRun: new Map(), failed: [...ids] };
  const body = (await response.json()) as { runs: Record<string, DownsampledSeries>; missing: string[] };
  const byRun = new Map(Object.entries(body.runs));
  return { byRun, failed: ids.filter((id) => !byRun.has(id)) };
}

/** A config key (dotted, as flattened) from a `group` parameter: `config.training.lr` or plain `training.lr`. */
function groupKeyOf(text: string | null): string | null {
  if (!text) return null;
  for (const candidate of [text, `config.${text}`]) {
    try {
      const field = parseFieldRef(candidate);
      if (field.kind === "config") return field.path.join(".");
    } catch {
      // Not a field reference in this spelling: try the next.
    }
  }
  return null;
}

/** A summary metric from a `metric` parameter (`summary.loss`, `summary.loss.min`); null when it is not one. */
function metricRefOf(text: string | null): MetricRef | null {
  if (!text) return null;
  try {
    const field = parseFieldRef(text);
    return field.kind === "summary" ? { key: field.key, aggregate: field.aggregate } : null;
  } catch {
    return null;
  }
}

function metricText(metric: MetricRef): string {
  return formatFieldRef({ kind: "summary", ...metric });
}

/** Writes the view's state into the URL without a navigation (Next.js keeps its router in step with replaceState). */
function writeUrl(state: { baseline: string; group: string | null; metric: MetricRef | null }) {
  const params = new URLSearchParams(window.location.search);
  params.set("baseline", state.baseline);
  if (state.group) params.set("group", formatFieldRef({ kind: "config", path: state.group.split(".") }));
  else params.delete("group");
  if (state.metric) params.set("metric", metricText(state.metric));
  else params.delete("metric");
  window.history.replaceState(null, "", `${window.location.pathname}?${params.toString()}`);
}

/** Why an abort is not an error here: a newer request replaced the one it cancelled. */
function ignoreAbort(error: unknown) {
  if (error instanceof DOMException && error.name === "AbortError") return;
  console.error(error);
}

/** The fetched series as the chart builders take them, in the runs' order; runs without series are left out. */
function runMetricsOf(
  fetched: SeriesFetch | null,
  runs: readonly CompareRun[],
  labels: readonly string[],
  colors: readonly string[],
): RunMetrics[] {
  if (!fetched) return [];
  const out: RunMetrics[] = [];
  runs.forEach((r, i) => {
    const series = fetched.byRun.get(r.id);
    if (!series) return;
    out.push({
      id: r.id,
      label: labels[i]!,
      color: colors[i]!,
      width: series.width,
      byKey: new Map(series.series.map((s) => [s.key, s.buckets])),
    });
  });
  return out;
}

function Swatch({ color }: { color: string }) {
  return <span className="compare-swatch" style={{ background: color }} aria-hidden="true" />;
}

/**
 * Several runs side by side: their metrics overlaid (or averaged per group of a config key), their summaries against
 * a baseline run, the config keys where they differ and a parallel-coordinates plot of config against a metric.
 * Baseline, group and metric live in the URL, so a link reproduces the view.
 */
export function CompareView({
  projectHref,
  runs,
  notes,
  initialSeries,
  initial,
}: {
  /** The project's runs page. */
  projectHref: string;
  /** The runs, in the URL's order (at least one). */
  runs: CompareRun[];
  /** Why some requested runs are missing (too many, not in this project). */
  notes: string[];
  /** The whole runs' series at COMPARE_CHART_BUCKETS, read with the page (fetched here when absent). */
  initialSeries?: Record<string, DownsampledSeries>;
  initial: CompareParams;
}) {
  const runIds = useMemo(() => runs.map((r) => r.id), [runs]);
  const labels = useMemo(() => runLabels(runs), [runs]);
  const colors = useMemo(() => runColors(runs.map((r) => r.id)), [runs]);
  const configs = useMemo(() => runs.map((r) => flattenConfig(r.config)), [runs]);
  const diff = useMemo(() => configDiff(configs), [configs]);
  const differing = useMemo(() => diff.filter((row) => row.differs), [diff]);
  const summaryKeys = useMemo(() => sharedSummaryKeys(runs.map((r) => r.summaries)), [runs]);

  const [baseline, setBaseline] = useState(() =>
    runs.some((r) => r.id === initial.baseline) ? initial.baseline! : runs[0]!.id,
  );
  const [groupKey, setGroupKey] = useState(() => groupKeyOf(initial.group));
  const [metric, setMetric] = useState<MetricRef | null>(() => {
    const fromUrl = metricRefOf(initial.metric);
    if (fromUrl) return fromUrl;
    const key = summaryKeys.includes(TRAIN_LOSS_KEY) ? TRAIN_LOSS_KEY : summaryKeys[0];
    return key === undefined ? null : { key, aggregate: "last" };
  });
  const [showAllConfig, setShowAllConfig] = useState(false);

  const update = (patch: Partial<{ baseline: string; group: string | null; metric: MetricRef | null }>) => {
    const next = { baseline, group: groupKey, metric, ...patch };
    setBaseline(next.baseline);
    setGroupKey(next.group);
    setMetric(next.metric);
    writeUrl(next);
  };

  // The series: the whole runs once, then the zoomed window's while the step axis is zoomed.
  const [base, setBase] = useState<SeriesFetch | null>(() => {
    if (!initialSeries) return null;
    const byRun = new Map(Object.entries(initialSeries));
    return { byRun, failed: runIds.filter((id) => !byRun.has(id)) };
  });
  const [zoomed, setZoomed] = useState<SeriesFetch | null>(null);
  useEffect(() => {
    if (initialSeries) return;
    const controller = new AbortController();
    void fetchAllSeries(runIds, null, controller.signal).then(setBase, ignoreAbort);
    return () => controller.abort();
  }, [runIds, initialSeries]);
  const zoomRequest = useRef<AbortController | null>(null);
  useEffect(() => () => zoomRequest.current?.abort(), []);
  const onZoomChange = useCallback(
    (range: XRange | null, xAxis: XAxisMode) => {
      zoomRequest.current?.abort();
      zoomRequest.current = null;
      // Only steps can be asked for: a zoom on a time axis keeps the whole-run buckets.
      if (!range || xAxis !== "step") {
        setZoomed(null);
        return;
      }
      const controller = new AbortController();
      zoomRequest.current = controller;
      const from = Math.max(0, Math.floor(range.min));
      const to = Math.max(from, Math.ceil(range.max));
      void fetchAllSeries(runIds, { from, to }, controller.signal).then(setZoomed, ignoreAbort);
    },
    [runIds],
  );
  const shown = zoomed ?? base;

  const baseMetrics = useMemo(() => runMetricsOf(base, runs, labels, colors), [base, runs, labels, colors]);
  const zoomedMetrics = useMemo(() => runMetricsOf(zoomed, runs, labels, colors), [zoomed, runs, labels, colors]);
  const metrics = zoomed ? zoomedMetrics : baseMetrics;
  // Which keys get a chart is decided on the whole runs: a zoomed window past a short run's end must not hide them.
  const keys = useMemo(() => metricKeys(baseMetrics), [baseMetrics]);
  const groups = useMemo(
    () =>
      groupKey
        ? groupRuns(
            runs.map((r, i) => ({ id: r.id, config: configs[i]! })),
            groupKey,
          )
        : null,
    [groupKey, runs, configs],
  );
  const charts = useMemo(
    () =>
      groups && groupKey ? groupCharts(metrics, groups, groupKey, keys.shared) : overlayCharts(metrics, keys.shared),
    [metrics, groups, groupKey, keys],
  );

  const baselineIndex = Math.max(
    0,
    runs.findIndex((r) => r.id === baseline),
  );
  const baselineRun = runs[baselineIndex]!;
  const nameOf = (id: string) => labels[runIds.indexOf(id)] ?? id;
  const groupOptions = differing.map((row) => row.key);
  if (groupKey && !groupOptions.includes(groupKey)) groupOptions.push(groupKey);

  const parallelRuns = useMemo(
    (): ParallelRun[] =>
      runs.map((r, i) => ({
        id: r.id,
        label: labels[i]!,
        color: colors[i]!,
        config: configs[i]!,
        metric: metric ? summaryValue(r.summaries, metric.key, metric.aggregate) : null,
      })),
    [runs, labels, colors, configs, metric],
  );
  const parallelKeys = useMemo(() => differing.map((row) => row.key), [differing]);

  const removeHref = (id: string) => {
    const params = new URLSearchParams({ runs: runIds.filter((r) => r !== id).join(",") });
    if (baseline !== id) params.set("baseline", baseline);
    if (groupKey) params.set("group", formatFieldRef({ kind: "config", path: groupKey.split(".") }));
    if (metric) params.set("metric", metricText(metric));
    return `?${params.toString()}`;
  };
  const visibleRows = showAllConfig ? diff : differing;

  return (
    <div data-testid="compare-view">
      <div className="row" style={{ justifyContent: "space-between", alignItems: "center" }}>
        <h1>Compare {runs.length === 1 ? "1 run" : `${runs.length} runs`}</h1>
        <a href={projectHref}>Back to the runs</a>
      </div>
      {notes.map((note) => (
        <div key={note} className="warn-box" role="status" data-testid="compare-note">
          {note}
        </div>
      ))}

      <div className="compare-controls panel">
        <label>
          Baseline
          <select value={baseline} onChange={(e) => update({ baseline: e.target.value })} data-testid="baseline-select">
            {runs.map((r, i) => (
              <option key={r.id} value={r.id}>
                {labels[i]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Group by
          <select
            value={groupKey ?? ""}
            onChange={(e) => update({ group: e.target.value || null })}
            data-testid="group-select"
          >
            <option value="">None (one line per run)</option>
            {groupOptions.map((key) => (
              <option key={key} value={key}>
                {key}
              </option>
            ))}
          </select>
        </label>
      </div>

      <table className="grid" data-testid="compare-legend">
        <thead>
          <tr>
            <th>Run</th>
            <th>Status</th>
            <th className="num">Step</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {runs.map((r, i) => (
            <tr key={r.id} data-run-id={r.id}>
              <td>
                <Swatch color={colors[i]!} />
                <a href={r.href}>{labels[i]}</a>
                {r.id === baseline && <span className="compare-baseline-tag">baseline</span>}
              </td>
              <td>
                <span className={`badge ${r.status}`}>{r.status}</span>
              </td>
              <td className="num">{r.lastStep ?? "-"}</td>
              <td>{runs.length > 1 && <a href={removeHref(r.id)}>Remove</a>}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>Metrics</h2>
      {shown?.failed.length ? (
        <div className="warn-box" role="status">
          Could not load the metrics of {shown.failed.map(nameOf).join(", ")}.
        </div>
      ) : null}
      {!base ? (
        <p className="muted">Loading the metrics of {runs.length === 1 ? "1 run" : `${runs.length} runs`}...</p>
      ) : charts.length === 0 ? (
        <p className="muted">
          No metric was logged by every run
          {keys.partial.length > 0 ? ` (some logged ${keys.partial.join(", ")})` : ""}.
        </p>
      ) : (
        <ChartGroup onZoomChange={onZoomChange}>
          <ChartToolbar />
          {groups && (
            <p className="muted">
              Each line is the mean of a group&apos;s runs; its band spans the lowest to the highest run.
            </p>
          )}
          {zoomed && (
            <p className="muted" data-testid="zoom-note">
              Zoomed: re-bucketed for this range.
            </p>
          )}
          {keys.partial.length > 0 && (
            <p className="muted" data-testid="partial-keys">
              Not charted, as only some runs logged them: {keys.partial.join(", ")}.
            </p>
          )}
          <div className="charts compare-charts">
            {charts.map((c) => (
              <MetricChart key={c.title} title={c.title} series={c.series} />
            ))}
          </div>
        </ChartGroup>
      )}

      <h2>Summary against {labels[baselineIndex]}</h2>
      {summaryKeys.length === 0 ? (
        <p className="muted">The runs share no summary metric.</p>
      ) : (
        <div className="table-scroll">
          <table className="grid" data-testid="summary-deltas">
            <thead>
              <tr>
                <th>Run</th>
                {summaryKeys.map((key) => (
                  <th key={key} className="num">
                    {key}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {runs.map((r, i) => (
                <tr key={r.id} data-run-id={r.id}>
                  <td>
                    <Swatch color={colors[i]!} />
                    {labels[i]}
                    {i === baselineIndex && <span className="compare-baseline-tag">baseline</span>}
                  </td>
                  {summaryKeys.map((key) => {
                    const value = summaryValue(r.summaries, key, "last");
                    const reference = summaryValue(baselineRun.summaries, key, "last");
                    const delta =
                      i !== baselineIndex && value !== null && reference !== null
                        ? summaryDelta(key, value, reference)
                        : null;
                    const tone = delta?.better === true ? "better" : delta?.better === false ? "worse" : "";
                    return (
                      <td key={key} className="num" data-key={key}>
                        {value === null ? "—" : formatNumber(value)}
                        {delta && <span className={`compare-delta ${tone}`}>{formatDelta(delta)}</span>}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2>Config</h2>
      <p className="muted">
        {differing.length === 0
          ? `All ${diff.length} config keys are the same for every run.`
          : `${differing.length} of ${diff.length} config keys differ; values unlike the baseline's are highlighted.`}{" "}
        <button
          type="button"
          className="compare-link-button"
          onClick={() => setShowAllConfig((v) => !v)}
          data-testid="config-diff-toggle"
        >
          {showAllConfig ? "Show only the keys that differ" : `Show all ${diff.length} keys`}
        </button>
      </p>
      {visibleRows.length > 0 && (
        <div className="table-scroll">
          <table className="grid" data-testid="config-diff">
            <thead>
              <tr>
                <th>Key</th>
                {runs.map((r, i) => (
                  <th key={r.id} className="compare-run-head">
                    <Swatch color={colors[i]!} />
                    {labels[i]}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {visibleRows.map((row) => (
                <tr
                  key={row.key}
                  data-testid="config-diff-row"
                  data-key={row.key}
                  className={row.differs ? undefined : "compare-same"}
                >
                  <td>{row.key}</td>
                  {row.values.map((value, i) => {
                    const changed = i !== baselineIndex && !sameConfigValue(value, row.values[baselineIndex]);
                    return (
                      <td key={runIds[i]} className={changed ? "compare-changed" : undefined} data-run-id={runIds[i]}>
                        {value === undefined ? <span className="muted">—</span> : formatConfigValue(value)}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2>Parallel coordinates</h2>
      <div className="compare-controls">
        <label>
          Metric
          <select
            value={metric ? metricText(metric) : ""}
            onChange={(e) => update({ metric: metricRefOf(e.target.value) })}
            data-testid="parallel-metric-select"
          >
            <option value="">None</option>
            {metric && !summaryKeys.includes(metric.key) && (
              <option value={metricText(metric)}>{metricText(metric)}</option>
            )}
            {summaryKeys.map((key) => (
              <Fragment key={key}>
                {METRIC_AGGREGATES.map((aggregate) => {
                  const text = metricText({ key, aggregate });
                  return (
                    <option key={text} value={text}>
                      {aggregate === "last" ? key : `${key} (${aggregate})`}
                    </option>
                  );
                })}
              </Fragment>
            ))}
          </select>
        </label>
      </div>
      <ParallelCoordinates runs={parallelRuns} keys={parallelKeys} metricLabel={metric ? metricText(metric) : null} />
    </div>
  );
}
