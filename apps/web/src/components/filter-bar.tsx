"use client";

import { useRef, useState } from "react";
import { FILTER_COLUMNS } from "@seqlab/contracts";
import {
  BUILDER_OPS,
  builderToFilterText,
  checkFilterText,
  filterTextToBuilder,
  type BuilderCondition,
  type BuilderOp,
  type FilterBuilderState,
  type FilterProblem,
} from "../lib/runs-table-state";

/** A filter problem under the bar: the reason, and the text with a caret under the position it names. */
export function FilterProblemView({ text, problem }: { text: string; problem: FilterProblem }) {
  const position = problem.position === null ? null : Math.min(problem.position, text.length);
  return (
    <div className="filter-error" data-testid="filter-error" role="alert">
      <div>
        {problem.message}
        {position !== null && ` (at ${position})`}
      </div>
      {position !== null && (
        <pre className="filter-caret">
          {text.slice(0, position)}
          <mark>{text.slice(position, position + Math.max(1, problem.length)) || " "}</mark>
          {text.slice(position + Math.max(1, problem.length))}
          {"\n"}
          {" ".repeat(position)}
          {"^".repeat(Math.max(1, problem.length))}
        </pre>
      )}
    </div>
  );
}

const OP_LABELS: Record<BuilderOp, string> = {
  "=": "=",
  "!=": "≠",
  "<": "<",
  "<=": "≤",
  ">": ">",
  ">=": "≥",
  "~": "contains",
  IN: "in",
  EXISTS: "exists",
};

function placeholderOf(condition: BuilderCondition): string {
  if (condition.op === "IN") return "a, b, c";
  if (condition.field === "created") return "7d or 2026-11-01";
  if (condition.field === "status") return "RUNNING";
  if (condition.field === "duration") return "seconds, e.g. 600";
  return "value";
}

/** The "+ condition" rows: each edit writes the filter text into the bar through `formatRunFilter`. */
function FilterBuilder({
  state,
  parses,
  fields,
  onChange,
  onStartOver,
  onApply,
}: {
  /** The rows, or null when the bar's text is more than rows can show. */
  state: FilterBuilderState | null;
  /** Whether the bar's text parses (says why the builder is empty when it is null). */
  parses: boolean;
  fields: readonly string[];
  onChange: (state: FilterBuilderState) => void;
  onStartOver: () => void;
  onApply: () => void;
}) {
  if (!state) {
    return (
      <div className="filter-builder-body">
        <p className="muted">
          {parses
            ? "Edited as text: the builder shows only conditions joined by all-AND or all-OR."
            : "Edited as text: the filter does not parse yet."}
        </p>
        <button type="button" className="secondary" onClick={onStartOver}>
          Start over
        </button>
      </div>
    );
  }
  const update = (index: number, change: Partial<BuilderCondition>) =>
    onChange({ ...state, conditions: state.conditions.map((c, i) => (i === index ? { ...c, ...change } : c)) });
  const options = (current: string) => {
    const all = [...FILTER_COLUMNS, ...fields];
    return all.includes(current) ? all : [current, ...all];
  };
  return (
    <div className="filter-builder-body">
      {state.conditions.map((condition, i) => (
        <div className="filter-condition" key={i} data-testid="filter-condition">
          <span className="filter-join">
            {i === 0 ? (
              "where"
            ) : i === 1 ? (
              <select
                aria-label="Combine conditions with"
                value={state.join}
                onChange={(e) => onChange({ ...state, join: e.target.value === "or" ? "or" : "and" })}
              >
                <option value="and">AND</option>
                <option value="or">OR</option>
              </select>
            ) : (
              state.join.toUpperCase()
            )}
          </span>
          <label className="filter-not">
            <input
              type="checkbox"
              checked={condition.negate}
              onChange={(e) => update(i, { negate: e.target.checked })}
            />
            NOT
          </label>
          <select aria-label="Field" value={condition.field} onChange={(e) => update(i, { field: e.target.value })}>
            {options(condition.field).map((f) => (
              <option key={f} value={f}>
                {f}
              </option>
            ))}
          </select>
          <select
            aria-label="Operator"
            value={condition.op}
            onChange={(e) => update(i, { op: e.target.value as BuilderOp })}
          >
            {BUILDER_OPS.map((op) => (
              <option key={op} value={op}>
                {OP_LABELS[op]}
              </option>
            ))}
          </select>
          {condition.op !== "EXISTS" && (
            <input
              aria-label="Value"
              value={condition.value}
              placeholder={placeholderOf(condition)}
              onChange={(e) => update(i, { value: e.target.value })}
              onKeyDown={(e) => {
                if (e.key === "Enter") onApply();
              }}
            />
          )}
          <button
            type="button"
            className="secondary small"
            aria-label="Remove condition"
            onClick={() => onChange({ ...state, conditions: state.conditions.filter((_, j) => j !== i) })}
          >
            ×
          </button>
        </div>
      ))}
      <div className="row" style={{ gap: 8 }}>
        <button
          type="button"
          className="secondary small"
          data-testid="filter-add-condition"
          onClick={() =>
            onChange({
              ...state,
              conditions: [...state.conditions, { field: "status", op: "=", value: "", negate: false }],
            })
          }
        >
          + condition
        </button>
        <button type="button" className="small" data-testid="filter-builder-apply" onClick={onApply}>
          Apply
        </button>
      </div>
    </div>
  );
}

/**
 * The filter: a text input applied on Enter (checked with `parseRunFilter` first; the server's 400 shows the
 * same way), and a visual builder that writes the same text.
 */
export function FilterBar({
  applied,
  serverProblem,
  fields,
  onApply,
}: {
  /** The filter in force (the URL's). */
  applied: string;
  /** The server's answer to `applied`, when it refused it. */
  serverProblem: FilterProblem | null;
  /** config.* and summary.* fields for the builder's field select. */
  fields: readonly string[];
  onApply: (text: string) => void;
}) {
  const inputRef = useRef<HTMLInputElement>(null);
  const [draft, setDraft] = useState(applied);
  const [problem, setProblem] = useState<{ text: string; problem: FilterProblem } | null>(null);
  const [builder, setBuilder] = useState<FilterBuilderState | null>(() => filterTextToBuilder(applied));
  // A new filter from the URL (applied here, or back/forward) replaces what is being edited.
  const [seen, setSeen] = useState(applied);
  if (seen !== applied) {
    setSeen(applied);
    setDraft(applied);
    setProblem(null);
    setBuilder(filterTextToBuilder(applied));
  }

  const apply = (text: string) => {
    const checked = checkFilterText(text);
    if (!checked.ok) {
      setProblem({ text, problem: checked.problem });
      const input = inputRef.current;
      if (input && checked.problem.position !== null) {
        input.focus();
        input.setSelectionRange(checked.problem.position, checked.problem.position + checked.problem.length);
      }
      return;
    }
    setProblem(null);
    onApply(text.trim());
  };
  const editText = (text: string) => {
    setDraft(text);
    setProblem(null);
    setBuilder(filterTextToBuilder(text));
  };
  const editBuilder = (next: FilterBuilderState) => {
    setBuilder(next);
    setDraft(builderToFilterText(next));
    setProblem(null);
  };
  const shown = problem ?? (serverProblem && draft === applied ? { text: applied, problem: serverProblem } : null);

  return (
    <div className="filter-bar">
      <div className="filter-bar-row">
        <input
          ref={inputRef}
          className="filter-input"
          data-testid="filter-input"
          aria-label="Filter runs"
          aria-invalid={shown ? true : undefined}
          spellCheck={false}
          placeholder="Filter: status = RUNNING AND summary.train/loss < 0.1   (Enter applies)"
          value={draft}
          onChange={(e) => editText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter") apply(draft);
            if (e.key === "Escape") editText(applied);
          }}
        />
        {draft !== applied && (
          <button type="button" className="small" onClick={() => apply(draft)}>
            Apply
          </button>
        )}
        {applied !== "" && (
          <button type="button" className="secondary small" onClick={() => apply("")} title="Show all runs">
            Clear
          </button>
        )}
      </div>
      {shown && <FilterProblemView text={shown.text} problem={shown.problem} />}
      <details className="filter-builder" data-testid="filter-builder">
        <summary>Builder</summary>
        <FilterBuilder
          state={builder}
          parses={checkFilterText(draft).ok}
          fields={fields}
          onChange={editBuilder}
          onStartOver={() => editBuilder({ join: "and", conditions: [] })}
          onApply={() => apply(draft)}
        />
      </details>
    </div>
  );
}
