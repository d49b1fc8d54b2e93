"use client";

import type { EvaluationResult } from "@seqlab/contracts";
import { evaluationLines, evaluationSummary } from "../lib/evaluation-view";

/**
 * The run's test-set result: each headline metric beside the task's trivial baseline, marked by whether it beats
 * it, and what the evaluation cost. Before a run has one: a muted note while it trains, nothing once it has ended
 * without one (it failed, was cancelled, or predates test evaluation).
 */
export function EvaluationCard({
  evaluation,
  finished,
}: {
  evaluation: EvaluationResult | null;
  /** The run has reached a terminal status. */
  finished: boolean;
}) {
  if (!evaluation) {
    return finished ? null : (
      <p className="muted" data-testid="evaluation-pending">
        Evaluated on the test split when training ends.
      </p>
    );
  }
  return (
    <div className="panel" data-testid="evaluation-card">
      <h2 className="panel-title">
        Test set <span className="muted">(weights of step {evaluation.step})</span>
      </h2>
      <ul className="evaluation-lines">
        {evaluationLines(evaluation).map((line) => (
          <li
            key={line.key}
            data-testid="evaluation-line"
            data-beats={line.beatsBaseline === null ? "no-baseline" : String(line.beatsBaseline)}
          >
            {line.text}
            {line.verdict !== null && (
              <span className={line.beatsBaseline ? "verdict better" : "verdict worse"} title={line.verdict}>
                {line.beatsBaseline ? " ✓ " : " ✗ "}
                {line.verdict}
              </span>
            )}
          </li>
        ))}
      </ul>
      <p className="muted" data-testid="evaluation-summary">
        {evaluationSummary(evaluation)}
      </p>
    </div>
  );
}
