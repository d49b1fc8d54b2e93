"use client";

import { useEffect, useMemo, useRef, useState, type RefObject } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import {
  alignSeries,
  fileNameOf,
  formatDuration,
  logSafe,
  toCsv,
  withAlpha,
  type AlignedChart,
  type ChartSeries,
  type XAxisMode,
} from "../lib/chart-math";
import { DEFAULT_CHART_SETTINGS, X_AXIS_NAMES, useChartGroup, type XRange } from "./chart-controls";

export type { ChartSeries } from "../lib/chart-math";

/** Series colours, in legend order: distinct on white and for the common colour-vision deficiencies. */
export const SERIES_COLORS = ["#3b5bdb", "#e8590c", "#2b8a3e", "#ae3ec9", "#c92a2a", "#1098ad"];

/** The colour of the `index`-th series of a chart (the palette repeats after six). */
export function seriesColor(index: number): string {
  return SERIES_COLORS[index % SERIES_COLORS.length]!;
}

/** Opacity of a raw line under its smoothed one: visible as noise without competing with the trend. */
const FAINT_ALPHA = 0.25;
/** Opacity of a min–max band: the lines drawn over it stay readable. */
const BAND_ALPHA = 0.15;
/** Plot height in CSS pixels when the caller gives none (the legend comes on top of it). */
const DEFAULT_HEIGHT = 240;
/** Narrowest plot in CSS pixels: below it the x axis' tick labels run into each other. */
const MIN_WIDTH = 300;
/** A drag shorter than this many CSS pixels is a click, not a zoom. */
const MIN_DRAG_PX = 5;
/** Class of the hidden helper series that carry a band's edges: globals.css hides their legend rows and points. */
const BAND_EDGE_CLASS = "chart-band-edge";
/** Tick spacings for the relative-time axis, in seconds: round durations (15 s, 5 min, 6 h) instead of 1-2-5 decades. */
const DURATION_INCRS = [
  0.1,
  0.2,
  0.5,
  1,
  2,
  5,
  10,
  15,
  30,
  60,
  120,
  300,
  600,
  900,
  1800,
  3600,
  7200,
  3 * 3600,
  6 * 3600,
  12 * 3600,
  86400,
  2 * 86400,
  7 * 86400,
  14 * 86400,
  28 * 86400,
];
/** Cursor events shared with the group's other charts: hover only, so a drag-select zooms through the group state once. */
const SYNCED_EVENTS = new Set(["mousemove", "mouseenter", "mouseleave"]);
/** Height in CSS pixels of the title strip above an exported PNG. */
const PNG_HEADER_PX = 28;
/** Text colour of the exported PNG's title: globals.css `--ink`. */
const PNG_INK = "#1d1f24";
/** FileSaver.js waits this long before revoking a download's URL: some browsers read the blob after click() returns. */
const REVOKE_AFTER_MS = 40_000;

/** One data column after x, as the plot draws it. */
interface ChartLine {
  label: string;
  color: string;
  kind: "raw" | "faint" | "smoothed" | "band-edge";
}

/** Everything the uPlot options depend on: a new spec re-creates the plot, new data alone never does. */
interface ChartSpec {
  xAxis: XAxisMode;
  logY: boolean;
  yLabel: string;
  height: number;
  /** Cursor-sync key of the group; null for a chart on its own. */
  syncKey: string | null;
  /** A fixed y range (ratios: 0 to 1), or null to fit the data. */
  yRange: [number, number] | null;
  /** A fixed x range on the step axis while not zoomed (the run's 0 to its last step), or null to fit the data. */
  xRange: [number, number] | null;
  /** Column i + 1 of the data. */
  lines: ChartLine[];
  /** uPlot bands: [upper edge column, lower edge column, colour]. */
  bands: [number, number, string][];
}

function chartSpec(series: ChartSeries[], aligned: AlignedChart, base: Omit<ChartSpec, "lines" | "bands">): ChartSpec {
  const lines: ChartLine[] = [];
  const bands: [number, number, string][] = [];
  aligned.columns.forEach((c, i) => {
    const { label, color } = series[i]!;
    if (c.min !== undefined && c.max !== undefined) {
      lines[c.min - 1] = { label: `${label} (min)`, color, kind: "band-edge" };
      lines[c.max - 1] = { label: `${label} (max)`, color, kind: "band-edge" };
      bands.push([c.max, c.min, color]);
    }
    lines[c.value - 1] = { label, color, kind: c.smoothed === undefined ? "raw" : "faint" };
    if (c.smoothed !== undefined) lines[c.smoothed - 1] = { label: `${label} (smoothed)`, color, kind: "smoothed" };
  });
  return { ...base, lines, bands };
}

/** What the plot's event handlers call; a ref, so the plot outlives the closures of the render that made it. */
interface ChartEvents {
  zoom: (range: XRange | null) => void;
}

function plotOptions(spec: ChartSpec, width: number, events: RefObject<ChartEvents>): uPlot.Options {
  const relative = spec.xAxis === "relative";
  const xSeries: uPlot.Series = { label: X_AXIS_NAMES[spec.xAxis] };
  if (relative) xSeries.value = (_u, v) => (v === null ? "--" : formatDuration(v));
  const xAxis: uPlot.Axis = { label: X_AXIS_NAMES[spec.xAxis] };
  if (relative) {
    xAxis.incrs = DURATION_INCRS;
    xAxis.values = (_u, splits) => splits.map(formatDuration);
  }
  const lines = spec.lines.map((line): uPlot.Series => {
    switch (line.kind) {
      case "band-edge":
        return {
          label: line.label,
          class: BAND_EDGE_CLASS,
          stroke: "transparent",
          width: 0,
          points: { show: false },
          spanGaps: true,
        };
      case "faint":
        return { label: line.label, stroke: withAlpha(line.color, FAINT_ALPHA), width: 1, spanGaps: true };
      case "smoothed":
        return { label: line.label, stroke: line.color, width: 2, spanGaps: true };
      case "raw":
        // uPlot's default shows point markers only while they have room: a one-point series stays visible.
        return { label: line.label, stroke: line.color, width: 1.5, spanGaps: true };
    }
  });
  const cursor: uPlot.Cursor = { drag: { x: true, y: false, setScale: false, dist: MIN_DRAG_PX } };
  if (spec.syncKey !== null) {
    cursor.sync = {
      key: spec.syncKey,
      scales: ["x", null],
      setSeries: false,
      filters: { pub: (type) => SYNCED_EVENTS.has(type) },
    };
  }
  return {
    width,
    height: spec.height,
    scales: {
      x: { time: spec.xAxis === "wall", ...(spec.xRange ? { range: spec.xRange } : {}) },
      y: spec.logY ? { distr: 3 } : spec.yRange ? { range: spec.yRange } : {},
    },
    axes: [xAxis, { label: spec.yLabel }],
    series: [xSeries, ...lines],
    bands: spec.bands.map(([upper, lower, color]) => ({ series: [upper, lower], fill: withAlpha(color, BAND_ALPHA) })),
    cursor,
    legend: { live: true },
    hooks: {
      // The drag's range goes to the group, which zooms every chart (this one included); the box is then cleared.
      setSelect: [
        (u) => {
          const { left, width: dragged } = u.select;
          if (dragged >= MIN_DRAG_PX) {
            events.current.zoom({ min: u.posToVal(left, "x"), max: u.posToVal(left + dragged, "x") });
          }
          u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
        },
      ],
    },
  };
}

function plotWidth(el: HTMLElement): number {
  return Math.max(MIN_WIDTH, Math.floor(el.clientWidth));
}

/** Saves a blob under a file name through a temporary link. */
function saveBlob(blob: Blob, fileName: string) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
}

/** The plot's canvas under a white strip with the title and a legend of the lines, as `<title>.png`. */
function savePng(u: uPlot, title: string, legend: { label: string; color: string }[]) {
  const plotCanvas = u.ctx.canvas;
  const ratio = plotCanvas.width / u.width;
  const header = Math.round(PNG_HEADER_PX * ratio);
  const canvas = document.createElement("canvas");
  canvas.width = plotCanvas.width;
  canvas.height = plotCanvas.height + header;
  const ctx = canvas.getContext("2d");
  if (!ctx) return;
  const font = getComputedStyle(u.root).fontFamily || "sans-serif";
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.textBaseline = "middle";
  ctx.fillStyle = PNG_INK;
  ctx.font = `600 ${14 * ratio}px ${font}`;
  const y = header / 2;
  let x = 8 * ratio;
  ctx.fillText(title, x, y);
  x += ctx.measureText(title).width + 16 * ratio;
  ctx.font = `${12 * ratio}px ${font}`;
  for (const { label, color } of legend) {
    const width = 14 * ratio + ctx.measureText(label).width;
    if (x + width > canvas.width) break;
    ctx.fillStyle = color;
    ctx.fillRect(x, y - 1.5 * ratio, 10 * ratio, 3 * ratio);
    ctx.fillStyle = PNG_INK;
    ctx.fillText(label, x + 14 * ratio, y);
    x += width + 12 * ratio;
  }
  ctx.drawImage(plotCanvas, 0, header);
  canvas.toBlob((blob) => blob && saveBlob(blob, fileNameOf(title, "png")), "image/png");
}

/**
 * A metric chart on uPlot: raw lines, smoothed lines over faint raw ones, min–max bands, a log y axis and a step,
 * wall-clock or relative-time x axis, all as its {@link ChartGroup} says (defaults outside one). A drag-select zooms
 * the whole group; a double-click or the toolbar's Reset zoom undoes it. The uPlot instance is made once per set of
 * series and settings and then fed with `setData`, so a live series grows without re-mounting.
 */
export function MetricChart({
  title,
  yLabel,
  series,
  height = DEFAULT_HEIGHT,
  yRange = null,
  xRange = null,
}: {
  title: string;
  /** The y axis' label. Default: the title. */
  yLabel?: string;
  series: ChartSeries[];
  /** Plot height in CSS pixels, legend excluded. Default 240. */
  height?: number;
  /** A fixed y range (a ratio's 0 to 1); ignored on a log axis. */
  yRange?: [number, number] | null;
  /** The x range on the step axis until the chart is zoomed (the run's whole length). */
  xRange?: [number, number] | null;
}) {
  const group = useChartGroup();
  const settings = group?.settings ?? DEFAULT_CHART_SETTINGS;
  const [ownZoom, setOwnZoom] = useState<XRange | null>(null);
  const zoom = group ? group.zoom : ownZoom;
  const setZoom = group ? group.setZoom : setOwnZoom;
  const { xAxis, smoothing, logY } = settings;

  const aligned = useMemo((): AlignedChart => {
    const raw = alignSeries(series, xAxis, undefined, smoothing);
    if (!logY) return raw;
    const [xs, ...ys] = raw.data;
    return { ...raw, data: [xs, ...ys.map((column) => logSafe(column))] };
  }, [series, xAxis, smoothing, logY]);

  const specKey = JSON.stringify(
    chartSpec(series, aligned, {
      xAxis,
      logY,
      yLabel: yLabel ?? title,
      height,
      syncKey: group?.syncKey ?? null,
      yRange: logY ? null : yRange,
      xRange: xAxis === "step" && zoom === null ? xRange : null,
    }),
  );

  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const events = useRef<ChartEvents>({ zoom: setZoom });
  useEffect(() => {
    events.current.zoom = setZoom;
  });

  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const spec = JSON.parse(specKey) as ChartSpec;
    // Columns without rows: the effect below feeds the data (and the zoom) right after.
    const empty = [[], ...spec.lines.map(() => [])] as uPlot.AlignedData;
    const u = new uPlot(plotOptions(spec, plotWidth(el), events), empty, el);
    u.over.addEventListener("dblclick", () => events.current.zoom(null));
    plot.current = u;
    const observer = new ResizeObserver(() => {
      const width = plotWidth(el);
      if (width !== u.width) u.setSize({ width, height: spec.height });
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [specKey]);

  useEffect(() => {
    const u = plot.current;
    if (!u) return;
    const data = aligned.data as uPlot.AlignedData;
    if (zoom) {
      // Keep the zoomed window; the y axis still fits what is inside it (setting x re-ranges the auto scales).
      u.setData(data, false);
      u.setScale("x", zoom);
    } else {
      u.setData(data);
    }
  }, [aligned, zoom, specKey]);

  const downloadPng = () => {
    if (plot.current) savePng(plot.current, title, series);
  };
  const downloadCsv = () => {
    const csv = toCsv(title, series, xAxis, smoothing);
    saveBlob(new Blob([csv], { type: "text/csv;charset=utf-8" }), fileNameOf(title, "csv"));
  };

  const points = series.reduce((n, s) => n + s.steps.length, 0);
  return (
    <div className="chart" data-testid={`chart-${title}`} data-points={points}>
      <div className="chart-head">
        <h3>{title}</h3>
        <div className="chart-actions">
          {!group && zoom && (
            <button type="button" className="secondary chart-button" onClick={() => setZoom(null)}>
              Reset zoom
            </button>
          )}
          <button
            type="button"
            className="secondary chart-button"
            onClick={downloadPng}
            title="Download as PNG"
            data-testid="chart-png"
          >
            PNG
          </button>
          <button
            type="button"
            className="secondary chart-button"
            onClick={downloadCsv}
            title="Download as CSV"
            data-testid="chart-csv"
          >
            CSV
          </button>
        </div>
      </div>
      <div ref={container} className="chart-plot" />
    </div>
  );
}
