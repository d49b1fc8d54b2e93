"use client";

import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

const COLORS = ["#3b5bdb", "#e8590c", "#2b8a3e", "#ae3ec9", "#c92a2a", "#1098ad"];

export interface ChartSeries {
  key: string;
  steps: number[];
  values: number[];
}

/** Aligns several series on the union of their steps (uPlot needs one shared x array). */
function align(series: ChartSeries[]): uPlot.AlignedData {
  const steps = Array.from(new Set(series.flatMap((s) => s.steps))).sort((a, b) => a - b);
  const index = new Map(steps.map((s, i) => [s, i]));
  const columns = series.map((s) => {
    const col: (number | null)[] = new Array(steps.length).fill(null);
    s.steps.forEach((step, i) => {
      col[index.get(step)!] = s.values[i] ?? null;
    });
    return col;
  });
  return [steps, ...columns] as uPlot.AlignedData;
}

/** A live line chart: the same uPlot instance gets new data on every update, so a growing series never re-mounts. */
export function MetricChart({ title, series }: { title: string; series: ChartSeries[] }) {
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const keys = series.map((s) => s.key).join("|");

  useEffect(() => {
    if (!container.current) return;
    const width = Math.max(300, container.current.clientWidth - 8);
    const opts: uPlot.Options = {
      width,
      height: 240,
      scales: { x: { time: false } },
      axes: [{ label: "step" }, {}],
      // uPlot's default shows point markers only while they have room: a one-point series stays visible.
      series: [
        { label: "step" },
        ...series.map((s, i) => ({ label: s.key, stroke: COLORS[i % COLORS.length], width: 1.5, spanGaps: true })),
      ],
      legend: { live: true },
    };
    plot.current = new uPlot(opts, align(series), container.current);
    return () => {
      plot.current?.destroy();
      plot.current = null;
    };
    // Re-create only when the set of series changes; data updates go through setData below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [keys]);

  useEffect(() => {
    plot.current?.setData(align(series));
  }, [series]);

  const points = series.reduce((n, s) => n + s.steps.length, 0);
  return (
    <div className="chart" data-testid={`chart-${title}`} data-points={points}>
      <h3>{title}</h3>
      <div ref={container} />
    </div>
  );
}
