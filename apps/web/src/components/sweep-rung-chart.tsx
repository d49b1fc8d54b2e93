"use client";

import type { SweepDetail, SweepMetric } from "@seqlab/contracts";
import { useState } from "react";
import { formatNumber } from "../lib/compare-math";
import { linearAxis, logAxis } from "../lib/sweep-chart-scales";
import { rungChartLines, rungCounts, rungStepTicks } from "../lib/sweep-rung-chart";
import { formatSteps } from "../lib/sweep-text";

/** The SVG's drawing size; it scales to its box (viewBox), the best-so-far chart's twin. */
const WIDTH = 560;
const HEIGHT = 260;
/** Room for the y tick labels and the axis titles, as in the best-so-far chart. */
const LEFT = 58;
const RIGHT = 16;
const TOP = 14;
const BOTTOM = 40;
/** A result the trial went on from: the accent colour. */
const PROMOTED_COLOR = "#3b5bdb";
/** A trial's last result (stopped there, or waiting to be judged), and the lines: the muted grey of the axes. */
const STOPPED_COLOR = "#868e96";

/**
 * The rung chart of the ASHA paper's figures: x the steps of each rung (log scale, ticked at the rungs), y the
 * metric, one dot per (trial, rung) result and a line joining each trial's results across rungs. Filled dots were
 * promoted (the trial trained on), hollow ones were where it stopped or is still waiting. Hovering a trial's line
 * brings it forward and names it.
 */
export function SweepRungChart({
  trials,
  rungs,
  metric,
}: {
  trials: SweepDetail["trials"];
  rungs: SweepDetail["rungs"];
  metric: SweepMetric;
}) {
  const [hovered, setHovered] = useState<string | null>(null);
  const lines = rungChartLines(trials, rungs);
  if (lines.length === 0) {
    return (
      <div className="chart sweep-chart" data-testid="rung-chart">
        <h3>Rungs</h3>
        <p className="muted">No trial has finished a rung yet.</p>
      </div>
    );
  }
  const results = lines.flatMap((l) => l.results);
  const ticks = rungStepTicks(rungs);
  // Every rung on the axis from the start, so the chart does not rescale as trials climb the ladder.
  const x = logAxis([...ticks, ...results.map((r) => r.steps)], [LEFT, WIDTH - RIGHT], ticks);
  const y = linearAxis(
    results.map((r) => r.value),
    [HEIGHT - BOTTOM, TOP],
  );
  const ordered = hovered
    ? [...lines.filter((l) => l.runId !== hovered), ...lines.filter((l) => l.runId === hovered)]
    : lines;
  const hoveredLine = lines.find((l) => l.runId === hovered);
  const counts = rungCounts(lines);
  return (
    <div className="chart sweep-chart" data-testid="rung-chart">
      <h3>
        Rungs{" "}
        <span className="muted">
          {hoveredLine
            ? `trial #${hoveredLine.trialNumber}: ${hoveredLine.results.map((r) => formatNumber(r.value)).join(" → ")}`
            : counts.map((c) => `${formatSteps(c.steps)}: ${c.promoted}/${c.finished} on`).join(" · ")}
        </span>
      </h3>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`${metric.name} of each trial at each rung`}>
        <g className="sweep-chart-grid">
          {y.ticks.map((t) => (
            <g key={`y${t}`}>
              <line x1={LEFT} x2={WIDTH - RIGHT} y1={y.at(t)} y2={y.at(t)} />
              <text x={LEFT - 6} y={y.at(t)} textAnchor="end" dominantBaseline="middle">
                {formatNumber(t)}
              </text>
            </g>
          ))}
          {x.ticks.map((t) => (
            <g key={`x${t}`}>
              <line x1={x.at(t)} x2={x.at(t)} y1={TOP} y2={HEIGHT - BOTTOM} />
              <text x={x.at(t)} y={HEIGHT - BOTTOM + 14} textAnchor="middle">
                {formatSteps(t)}
              </text>
            </g>
          ))}
          <text x={(LEFT + WIDTH - RIGHT) / 2} y={HEIGHT - 6} textAnchor="middle" className="sweep-chart-title">
            rung steps (log scale)
          </text>
          <text
            x={12}
            y={(TOP + HEIGHT - BOTTOM) / 2}
            textAnchor="middle"
            transform={`rotate(-90 12 ${(TOP + HEIGHT - BOTTOM) / 2})`}
            className="sweep-chart-title"
          >
            {metric.name} ({metric.goal === "minimize" ? "lower" : "higher"} is better)
          </text>
        </g>
        {ordered.map((line) => {
          const d = line.results
            .map((r, i) => `${i === 0 ? "M" : "L"}${x.at(r.steps).toFixed(1)},${y.at(r.value).toFixed(1)}`)
            .join("");
          const faded = hovered !== null && hovered !== line.runId;
          return (
            <g
              key={line.runId}
              data-run-id={line.runId}
              data-trial={line.trialNumber}
              opacity={faded ? 0.25 : 1}
              onMouseEnter={() => setHovered(line.runId)}
              onMouseLeave={() => setHovered((h) => (h === line.runId ? null : h))}
            >
              <title>{`Trial #${line.trialNumber} (${line.status})`}</title>
              <path d={d} fill="none" stroke={STOPPED_COLOR} strokeWidth={hovered === line.runId ? 2.5 : 1} />
              {/* A wide invisible copy: a one-pixel line is hard to hit with the mouse. */}
              <path d={d} fill="none" stroke="transparent" strokeWidth={10} pointerEvents="stroke" />
              {line.results.map((r) => (
                <circle
                  key={r.rung}
                  cx={x.at(r.steps)}
                  cy={y.at(r.value)}
                  r={3.5}
                  fill={r.promoted ? PROMOTED_COLOR : "#fff"}
                  stroke={r.promoted ? PROMOTED_COLOR : STOPPED_COLOR}
                  strokeWidth={1.5}
                  data-promoted={r.promoted ? "true" : "false"}
                >
                  <title>
                    {`Trial #${r.trialNumber}, rung ${r.rung} (${formatSteps(r.steps)} steps): ${formatNumber(r.value)}` +
                      (r.promoted ? ", promoted" : "")}
                  </title>
                </circle>
              ))}
            </g>
          );
        })}
      </svg>
      <div className="sweep-chart-legend muted">
        <span>
          <span className="sweep-dot promoted" /> promoted
        </span>
        <span>
          <span className="sweep-dot" /> stopped, or waiting to be judged
        </span>
      </div>
    </div>
  );
}
