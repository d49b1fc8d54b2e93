"use client";

import { useEffect, useMemo, useRef, useState } from "react";
import { axisPosition, formatNumber, parallelAxis, type ParallelAxis } from "../lib/compare-math";

/** One run as the plot draws it. */
export interface ParallelRun {
  id: string;
  label: string;
  color: string;
  /** The run's flattened config (dotted keys). */
  config: ReadonlyMap<string, unknown>;
  /** The run's value of the chosen summary metric; null where it has none. */
  metric: number | null;
}

/** Height of the whole plot in CSS pixels: a 300-pixel axis under two lines of label. */
const HEIGHT = 380;
/** Room above the axes for their two-line labels. */
const TOP = 52;
/** Room under the axes, so the lowest tick label is not cut off. */
const BOTTOM = 16;
/** Room left of the first axis for its tick labels, and right of the last for its label. */
const SIDE = 80;
/** Horizontal distance between axes: about one label of 22 characters. */
const AXIS_GAP = 150;
/** The plot is at least this wide (and otherwise as wide as its box), so two or three axes do not huddle. */
const MIN_WIDTH = 720;
/** Longest label or tick text before it is cut with an ellipsis (the full text is in its tooltip). */
const MAX_LABEL_CHARS = 22;
/** Longest categorical tick label. */
const MAX_TICK_CHARS = 14;

/** An axis with what it reads from a run. */
interface PlotAxis {
  axis: ParallelAxis;
  /** Upper label line (the key's prefix, e.g. "training"), possibly empty. */
  group: string;
  /** Lower label line (the key's last part). */
  name: string;
  valueOf: (run: ParallelRun) => unknown;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** "training.learningRate" → ["training", "learningRate"]. */
function splitKey(key: string): [string, string] {
  const dot = key.lastIndexOf(".");
  return dot < 0 ? ["", key] : [key.slice(0, dot), key.slice(dot + 1)];
}

/**
 * A parallel-coordinates plot in plain SVG: one vertical axis per config key (numeric keys on a linear or log scale,
 * the others as evenly spaced categories), then one for the chosen summary metric, and one polyline per run in its
 * colour. A run without a value on an axis has a gap there. Hovering a line brings it forward and names the run.
 */
export function ParallelCoordinates({
  runs,
  keys,
  metricLabel,
}: {
  runs: readonly ParallelRun[];
  /** Flattened config keys to draw an axis for (those that differ between the runs). */
  keys: readonly string[];
  /** The metric axis' label (`summary.loss`); null draws no metric axis. */
  metricLabel: string | null;
}) {
  const [hovered, setHovered] = useState<string | null>(null);

  const axes = useMemo((): PlotAxis[] => {
    const configAxes: PlotAxis[] = [];
    for (const key of keys) {
      const axis = parallelAxis(
        key,
        runs.map((r) => r.config.get(key)),
      );
      if (!axis) continue;
      const [group, name] = splitKey(key);
      configAxes.push({ axis, group, name, valueOf: (r) => r.config.get(key) });
    }
    // Numeric axes first: they carry the sweep's hyperparameters; categorical ones (model names) follow.
    configAxes.sort((a, b) => Number(a.axis.kind === "categorical") - Number(b.axis.kind === "categorical"));
    if (metricLabel !== null) {
      const axis = parallelAxis(
        metricLabel,
        runs.map((r) => r.metric ?? undefined),
      );
      if (axis) configAxes.push({ axis, group: "metric", name: metricLabel, valueOf: (r) => r.metric ?? undefined });
    }
    return configAxes;
  }, [runs, keys, metricLabel]);

  // The box's width: the axes spread over it, and beyond it the plot scrolls sideways.
  const box = useRef<HTMLDivElement>(null);
  const [boxWidth, setBoxWidth] = useState(MIN_WIDTH);
  const empty = axes.length === 0;
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setBoxWidth(Math.floor(el.clientWidth)));
    observer.observe(el);
    return () => observer.disconnect();
  }, [empty]);

  if (empty) {
    return (
      <p className="muted" data-testid="parallel-coordinates">
        Nothing to plot: the runs&apos; configs do not differ and they share no summary metric.
      </p>
    );
  }

  const width = Math.max(MIN_WIDTH, boxWidth, 2 * SIDE + (axes.length - 1) * AXIS_GAP);
  const gap = axes.length > 1 ? (width - 2 * SIDE) / (axes.length - 1) : 0;
  const xOf = (i: number) => (axes.length > 1 ? SIDE + i * gap : width / 2);
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const yOf = (position: number) => TOP + (1 - position) * plotHeight;

  const paths = runs.map((run) => {
    let d = "";
    let drawing = false;
    axes.forEach((a, i) => {
      const position = axisPosition(a.axis, a.valueOf(run));
      if (position === null) {
        drawing = false;
        return;
      }
      d += `${drawing ? "L" : "M"}${xOf(i).toFixed(1)},${yOf(position).toFixed(1)}`;
      drawing = true;
    });
    return { run, d };
  });
  // The hovered line is drawn last, so it lies on top of the others; the axes come after the lines, so their
  // labels stay readable.
  const ordered = hovered
    ? [...paths.filter((p) => p.run.id !== hovered), ...paths.filter((p) => p.run.id === hovered)]
    : paths;
  const hoveredRun = runs.find((r) => r.id === hovered);

  return (
    <div className="compare-pc" data-testid="parallel-coordinates">
      <div className="compare-pc-caption muted" data-testid="parallel-coordinates-hover">
        {hoveredRun ? (
          <>
            <span className="compare-swatch" style={{ background: hoveredRun.color }} />
            <strong>{hoveredRun.label}</strong>
            {metricLabel !== null &&
              ` · ${metricLabel} = ${hoveredRun.metric === null ? "—" : formatNumber(hoveredRun.metric)}`}
          </>
        ) : (
          "Hover a line to see its run."
        )}
      </div>
      <div className="table-scroll" ref={box}>
        <svg width={width} height={HEIGHT} role="img" aria-label="Parallel coordinates of the runs' configs">
          {ordered.map(({ run, d }) =>
            d === "" ? null : (
              <g
                key={run.id}
                data-run-id={run.id}
                onMouseEnter={() => setHovered(run.id)}
                onMouseLeave={() => setHovered((h) => (h === run.id ? null : h))}
              >
                <title>{run.label}</title>
                <path
                  d={d}
                  fill="none"
                  stroke={run.color}
                  strokeWidth={hovered === run.id ? 3 : 1.5}
                  strokeOpacity={hovered !== null && hovered !== run.id ? 0.2 : 0.9}
                  strokeLinejoin="round"
                />
                {/* A wide invisible copy: a 1.5-pixel line is hard to hit with the mouse. */}
                <path d={d} fill="none" stroke="transparent" strokeWidth={10} pointerEvents="stroke" />
              </g>
            ),
          )}
          {axes.map((a, i) => {
            const x = xOf(i);
            const fullLabel = a.axis.key;
            return (
              <g key={`${i}:${fullLabel}`} className="compare-pc-axis">
                <title>{fullLabel}</title>
                <text x={x} y={14} textAnchor="middle" className="compare-pc-group">
                  {truncate(a.group, MAX_LABEL_CHARS)}
                </text>
                <text x={x} y={30} textAnchor="middle" className="compare-pc-name">
                  {truncate(a.name, MAX_LABEL_CHARS)}
                  {a.axis.kind === "numeric" && a.axis.log ? " (log)" : ""}
                </text>
                <line x1={x} x2={x} y1={TOP} y2={TOP + plotHeight} />
                {a.axis.kind === "numeric"
                  ? a.axis.ticks.map((t) => {
                      const y = yOf(axisPosition(a.axis, t) ?? 0);
                      return (
                        <g key={t}>
                          <line x1={x - 4} x2={x} y1={y} y2={y} />
                          <text x={x - 6} y={y} textAnchor="end" dominantBaseline="middle">
                            {formatNumber(t)}
                          </text>
                        </g>
                      );
                    })
                  : a.axis.categories.map((c) => {
                      const y = yOf(axisPosition(a.axis, c) ?? 0);
                      return (
                        <g key={c}>
                          <line x1={x - 4} x2={x} y1={y} y2={y} />
                          <text x={x - 6} y={y} textAnchor="end" dominantBaseline="middle">
                            <title>{c}</title>
                            {truncate(c, MAX_TICK_CHARS)}
                          </text>
                        </g>
                      );
                    })}
              </g>
            );
          })}
        </svg>
      </div>
    </div>
  );
}
