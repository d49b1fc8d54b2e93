"use client";

import type { SweepDetail, SweepMetric } from "@seqlab/contracts";
import { formatNumber } from "../lib/compare-math";
import { bestSoFarImprovements, bestSoFarStairs } from "../lib/sweep-best-so-far";
import { linearAxis } from "../lib/sweep-chart-scales";
import { formatSteps } from "../lib/sweep-text";

/** The SVG's drawing size; it scales to its box (viewBox), like half a row of the run page's charts. */
const WIDTH = 560;
const HEIGHT = 260;
/** Room for the y tick labels (five characters of "0.1234") and the axis titles. */
const LEFT = 58;
const RIGHT = 16;
const TOP = 14;
const BOTTOM = 40;
/** The curve's colour: the first series colour of the run page's charts. */
const LINE_COLOR = "#3b5bdb";

/**
 * The best metric so far against the steps the sweep has spent over all its trials, as a staircase with a dot
 * where a trial set a new best (hover it for the trial): how fast the sweep finds good settings for its compute,
 * the curve of the ASHA paper's figures.
 */
export function SweepBestSoFarChart({
  points,
  stepsSpent,
  metric,
  stepBudget,
}: {
  points: SweepDetail["bestSoFar"];
  /** Steps spent now: the curve runs on level to here. */
  stepsSpent: number;
  metric: SweepMetric;
  /** The sweep's step budget, drawn as a dashed line when it fits the axis; undefined for none. */
  stepBudget?: number;
}) {
  const stairs = bestSoFarStairs(points, stepsSpent);
  if (stairs.length === 0) {
    return (
      <div className="chart sweep-chart" data-testid="best-so-far">
        <h3>Best so far</h3>
        <p className="muted">No trial has finished a rung yet: the curve starts with the first result.</p>
      </div>
    );
  }
  const x = linearAxis([0, ...stairs.map((s) => s.steps)], [LEFT, WIDTH - RIGHT]);
  const y = linearAxis(
    stairs.map((s) => s.best),
    [HEIGHT - BOTTOM, TOP],
  );
  const d = stairs
    .map((s, i) => `${i === 0 ? "M" : "L"}${x.at(s.steps).toFixed(1)},${y.at(s.best).toFixed(1)}`)
    .join("");
  const marks = bestSoFarImprovements(points);
  const best = stairs[stairs.length - 1]!.best;
  const budgetShown = stepBudget !== undefined && stepBudget <= x.domain[1];
  return (
    <div className="chart sweep-chart" data-testid="best-so-far">
      <h3>
        Best {metric.name} so far <span className="muted">({formatNumber(best)})</span>
      </h3>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`Best ${metric.name} against steps spent`}>
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
            <text key={`x${t}`} x={x.at(t)} y={HEIGHT - BOTTOM + 14} textAnchor="middle">
              {formatSteps(t)}
            </text>
          ))}
          <text x={(LEFT + WIDTH - RIGHT) / 2} y={HEIGHT - 6} textAnchor="middle" className="sweep-chart-title">
            steps spent, all trials
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
        {budgetShown && (
          <line
            className="sweep-chart-budget"
            x1={x.at(stepBudget)}
            x2={x.at(stepBudget)}
            y1={TOP}
            y2={HEIGHT - BOTTOM}
          >
            <title>Step budget: {formatSteps(stepBudget)}</title>
          </line>
        )}
        <path d={d} fill="none" stroke={LINE_COLOR} strokeWidth={2} strokeLinejoin="round" />
        {marks.map((p) => (
          <circle key={`${p.steps}:${p.trialNumber}`} cx={x.at(p.steps)} cy={y.at(p.best)} r={4} fill={LINE_COLOR}>
            <title>
              {`Trial #${p.trialNumber}: ${metric.name} ${formatNumber(p.best)} after ${formatSteps(p.steps)} steps`}
            </title>
          </circle>
        ))}
      </svg>
    </div>
  );
}
