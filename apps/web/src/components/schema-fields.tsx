"use client";

import { fieldHint, fieldLabel, type FieldSection } from "../lib/field-labels";
import {
  displayFieldValue,
  fieldKind,
  fieldPath,
  isFieldRequired,
  type JsonObjectSchema,
  type JsonSchemaProperty,
} from "../lib/field-validation";

/** One form field generated from a JSON Schema property: a labelled input, its hint and its error. */
export function SchemaField({
  id,
  fieldKey,
  section,
  task,
  property: p,
  required,
  value,
  error,
  placeholder,
  onChange,
  onBlur,
}: {
  /** The field's path in the request ("training.steps"): its element id and its API name. */
  id: string;
  fieldKey: string;
  section: FieldSection;
  /** The selected task, for the labels of its own params. */
  task?: string;
  property: JsonSchemaProperty;
  required: boolean;
  /** The raw form value: an input's text, a checkbox's state, or a loaded JSON value. */
  value: unknown;
  error: string | undefined;
  placeholder?: string;
  onChange: (value: string | boolean) => void;
  /** Called with the value when focus moves from the field to another one (the form checks it then). */
  onBlur?: (value: string | boolean) => void;
}) {
  const kind = fieldKind(p);
  const label = fieldLabel(section, fieldKey, task);
  const hint = fieldHint(p, label, kind);
  const shown = displayFieldValue(value);
  const describedBy = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(" ") || undefined;
  const common = {
    id,
    name: id,
    "aria-invalid": error ? true : undefined,
    "aria-required": required || undefined,
    "aria-describedby": describedBy,
  } as const;
  return (
    <div className={error ? "field has-error" : "field"}>
      <label htmlFor={id}>
        {label}{" "}
        <code className="field-key" title={`API field ${id}`}>
          {id}
        </code>
      </label>
      {kind === "boolean" ? (
        <input
          {...common}
          type="checkbox"
          checked={shown === true}
          onChange={(e) => {
            onChange(e.target.checked);
            onBlur?.(e.target.checked);
          }}
        />
      ) : kind === "enum" ? (
        <select
          {...common}
          value={String(shown)}
          onChange={(e) => {
            onChange(e.target.value);
            onBlur?.(e.target.value);
          }}
        >
          {(p.enum ?? []).map((option) => (
            <option key={String(option)} value={String(option)}>
              {String(option)}
            </option>
          ))}
        </select>
      ) : (
        <input
          {...common}
          // Text, not type="number": a number input hides what was typed ("abc" reads as ""), so the form could
          // not tell a typo from a cleared field; inputMode still brings up the numeric keypad on phones.
          type="text"
          inputMode={
            kind === "integer" && (p.minimum ?? p.exclusiveMinimum ?? -1) >= 0
              ? "numeric"
              : kind === "integer" || kind === "number"
                ? "decimal"
                : undefined
          }
          autoComplete="off"
          spellCheck={false}
          placeholder={placeholder}
          value={String(shown)}
          onChange={(e) => onChange(e.target.value)}
          onBlur={(e) => {
            // Only when focus moves on to another field: an error appearing as someone clicks "Launch" would shift
            // the button from under the pointer and lose the click (and the submit checks every field anyway).
            const next = e.relatedTarget;
            if (next instanceof HTMLElement && next.matches("input, select, textarea")) onBlur?.(e.target.value);
          }}
        />
      )}
      {hint && (
        <span className="help" id={`${id}-hint`}>
          {hint}
        </span>
      )}
      {error && (
        <span className="error" id={`${id}-error`} data-testid={`error-${id}`}>
          {error}
        </span>
      )}
    </div>
  );
}

/** One field per property of a JSON Schema object, in the schema's order. */
export function SchemaFields({
  prefix,
  section,
  task,
  schema,
  values,
  errors,
  onChange,
  onBlur,
}: {
  /** Path of the object in the request ("training"); fields are `${prefix}.${key}`. */
  prefix: string;
  section: FieldSection;
  task?: string;
  schema: JsonObjectSchema;
  values: Record<string, unknown>;
  errors: Record<string, string>;
  onChange: (key: string, value: string | boolean) => void;
  onBlur?: (key: string, value: string | boolean) => void;
}) {
  const properties = Object.entries(schema.properties ?? {});
  if (properties.length === 0) return <p className="muted">No parameters.</p>;
  return (
    <>
      {properties.map(([key, p]) => {
        const id = fieldPath(prefix, key);
        return (
          <SchemaField
            key={id}
            id={id}
            fieldKey={key}
            section={section}
            task={task}
            property={p}
            required={isFieldRequired(schema, key)}
            value={values[key]}
            error={errors[id]}
            onChange={(v) => onChange(key, v)}
            onBlur={onBlur ? (v) => onBlur(key, v) : undefined}
          />
        );
      })}
    </>
  );
}
