"use client";

import type { SweepDetail, SweepMetric } from "@seqlab/contracts";
import { useState } from "react";
import { formatNumber } from "../lib/compare-math";
import { trialRunPath, type SweepPlace } from "../lib/sweep-paths";
import { sortTrials, topTrialIds, type TrialSort } from "../lib/sweep-ranking";
import { formatSteps, formatSweepValue, parameterShortName } from "../lib/sweep-text";

/** Whether the table's rows run from low to high values of the sorted column (best first is low first when minimising). */
function ascending(sort: TrialSort, goal: SweepMetric["goal"]): boolean {
  return sort.by === "trial" ? !sort.reversed : (goal === "minimize") !== sort.reversed;
}

/**
 * The sweep's trials, one row each: its number, run, bracket, rung (with the steps it trains to), status, the value
 * of each swept parameter, the metric and the steps trained. Sorted by trial number, or by metric best first (click
 * again for worst first); the best trial's row is marked.
 */
export function SweepTrialsTable({
  trials,
  parameterKeys,
  metric,
  place,
}: {
  trials: SweepDetail["trials"];
  /** The swept field paths, in the definition's order: one column each. */
  parameterKeys: readonly string[];
  metric: SweepMetric;
  place: SweepPlace;
}) {
  const [sort, setSort] = useState<TrialSort>({ by: "metric", reversed: false });
  const rows = sortTrials(trials, sort, metric.goal);
  const best = topTrialIds(trials, metric.goal, 1)[0];
  const sortBy = (by: TrialSort["by"]) =>
    setSort((s) => (s.by === by ? { by, reversed: !s.reversed } : { by, reversed: false }));
  const ariaSort = (by: TrialSort["by"]) =>
    sort.by !== by ? undefined : ascending(sort, metric.goal) ? "ascending" : "descending";
  // The runs table's marks: ▲ for ascending, ▼ for descending.
  const sortMark = (by: TrialSort["by"]) =>
    sort.by === by ? <span className="sort-mark">{ascending(sort, metric.goal) ? " ▲" : " ▼"}</span> : null;

  if (trials.length === 0) {
    return (
      <p className="muted" data-testid="sweep-trials">
        No trials yet: the controller creates the first ones within seconds of the sweep starting.
      </p>
    );
  }
  return (
    <div className="table-scroll">
      <table className="grid sweep-trials" data-testid="sweep-trials">
        <thead>
          <tr>
            <th className="num sortable" aria-sort={ariaSort("trial")}>
              <button type="button" className="link-button" onClick={() => sortBy("trial")} data-testid="sort-trial">
                #{sortMark("trial")}
              </button>
            </th>
            <th>Run</th>
            <th className="num">Bracket</th>
            <th>Rung</th>
            <th>Status</th>
            {parameterKeys.map((key) => (
              <th key={key} className="num" title={key}>
                {parameterShortName(key)}
              </th>
            ))}
            <th className="num sortable" aria-sort={ariaSort("metric")}>
              <button type="button" className="link-button" onClick={() => sortBy("metric")} data-testid="sort-metric">
                {metric.name}
                {sortMark("metric")}
              </button>
            </th>
            <th className="num">Steps</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((t) => (
            <tr
              key={t.runId}
              data-testid="trial-row"
              data-status={t.status}
              data-rung={t.rung}
              data-run-id={t.runId}
              className={t.runId === best ? "sweep-best-row" : undefined}
            >
              <td className="num">{t.trialNumber}</td>
              <td>
                <a href={trialRunPath(place, t.runId)} title={t.runId}>
                  {t.runName}
                </a>
              </td>
              <td className="num">{t.bracket}</td>
              <td>
                {t.rung} <span className="muted">({formatSteps(t.rungSteps)} steps)</span>
              </td>
              <td>
                <span className={`badge ${t.status}`}>{t.status}</span>
              </td>
              {parameterKeys.map((key) => (
                <td key={key} className="num">
                  {formatSweepValue(t.parameters[key])}
                </td>
              ))}
              <td className="num" data-testid="trial-metric">
                {t.metric === null ? "–" : formatNumber(t.metric)}
                {t.runId === best && (
                  <span className="tag" title={`The best ${metric.name} so far`}>
                    best
                  </span>
                )}
              </td>
              <td className="num">{t.lastStep === null ? "–" : formatSteps(t.lastStep)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
