"use client";

import type { SweepParameter } from "@seqlab/contracts";
import type { SweepableField } from "../lib/sweep-fields";
import { allowedKinds, type ParameterDraft } from "../lib/sweep-prefill";
import { parameterIssuePath } from "../lib/sweep-request";
import { formatSweepValue } from "../lib/sweep-text";

/** The parts of a row that take text, with their labels. */
const TEXT_PARTS = {
  min: "min",
  max: "max",
  step: "step",
  values: "values",
  gridPoints: "grid points",
} as const;
type TextPart = keyof typeof TEXT_PARTS;

/** How each kind reads in the select. */
const KIND_LABELS: Record<SweepParameter["kind"], string> = {
  choice: "choice",
  int: "int range",
  uniform: "uniform",
  "log-uniform": "log-uniform",
};

/** The element ids of a row's inputs: the 400 paths they answer for ("definition.parameters.<path>.min"). */
export function parameterInputIds(fieldPath: string): string[] {
  const row = parameterIssuePath(fieldPath);
  return [row, `${row}.kind`, ...Object.keys(TEXT_PARTS).map((part) => `${row}.${part}`)];
}

/**
 * One field of the sweep form: a checkbox to vary it, its label and the run's value, the parameter kind, and the
 * inputs that kind takes (a range, or comma-separated values); each input shows the error for its own path.
 */
export function SweepParameterRow({
  field,
  draft,
  grid,
  locked,
  errors,
  onChange,
  onKindChange,
}: {
  field: SweepableField;
  draft: ParameterDraft;
  /** Grid search: a continuous range also takes its number of grid points. */
  grid: boolean;
  /** Why the field cannot be varied now (training steps under a scheduler), or null. */
  locked: string | null;
  /** Messages by input id. */
  errors: Record<string, string>;
  onChange: (next: ParameterDraft) => void;
  /** A new kind: the form re-proposes the row's texts for it. */
  onKindChange: (kind: SweepParameter["kind"]) => void;
}) {
  const row = parameterIssuePath(field.path);
  const kinds = allowedKinds(field);
  const parts: TextPart[] =
    draft.kind === "choice"
      ? ["values"]
      : draft.kind === "int"
        ? ["min", "max", "step"]
        : grid
          ? ["min", "max", "gridPoints"]
          : ["min", "max"];
  const rowErrors = [row, `${row}.kind`, ...parts.map((p) => `${row}.${p}`)].flatMap((id) =>
    errors[id] === undefined ? [] : [{ id, message: errors[id] }],
  );
  const disabled = !draft.enabled || locked !== null;
  return (
    <tr
      data-testid="sweep-param"
      data-path={field.path}
      data-enabled={draft.enabled ? "true" : "false"}
      className={rowErrors.length > 0 ? "has-error" : undefined}
    >
      <td>
        <input
          type="checkbox"
          id={row}
          checked={draft.enabled && locked === null}
          disabled={locked !== null}
          title={locked ?? undefined}
          aria-label={`Vary ${field.label}`}
          aria-invalid={errors[row] ? true : undefined}
          onChange={(e) => onChange({ ...draft, enabled: e.target.checked })}
          data-testid="sweep-param-enabled"
        />
      </td>
      <td>
        <label htmlFor={row}>{field.label}</label> <code className="field-key">{field.path}</code>
        {(locked ?? field.hint) && <div className="help muted">{locked ?? field.hint}</div>}
      </td>
      <td className="num">{formatSweepValue(field.value)}</td>
      <td>
        <select
          id={`${row}.kind`}
          aria-label={`How ${field.label} varies`}
          value={draft.kind}
          disabled={disabled || kinds.length === 1}
          onChange={(e) => onKindChange(e.target.value as SweepParameter["kind"])}
          data-testid="sweep-param-kind"
        >
          {kinds.map((k) => (
            <option key={k} value={k}>
              {KIND_LABELS[k]}
            </option>
          ))}
        </select>
      </td>
      <td>
        <div className="sweep-param-inputs">
          {parts.map((part) => {
            const id = `${row}.${part}`;
            return (
              <label key={part} className={part === "values" ? "sweep-param-values" : undefined}>
                <span className="muted">{TEXT_PARTS[part]}</span>
                <input
                  id={id}
                  name={id}
                  type="text"
                  inputMode={part === "values" ? "text" : "decimal"}
                  value={draft[part]}
                  disabled={disabled}
                  placeholder={part === "values" ? "comma-separated" : undefined}
                  aria-invalid={errors[id] ? true : undefined}
                  onChange={(e) => onChange({ ...draft, [part]: e.target.value })}
                  data-testid={`sweep-param-${part}`}
                />
              </label>
            );
          })}
        </div>
        {rowErrors.map((e) => (
          <div key={e.id} className="error" data-testid="sweep-param-error">
            {e.message}
          </div>
        ))}
      </td>
    </tr>
  );
}
