"use client";

/** The subset of JSON Schema that zod's toJSONSchema emits for our catalogs' flat parameter objects. */
export interface JsonSchemaProperty {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchemaProperty[];
  items?: JsonSchemaProperty;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  default?: unknown;
  description?: string;
}

export interface JsonObjectSchema {
  properties?: Record<string, JsonSchemaProperty>;
}

function kindOf(p: JsonSchemaProperty): "enum" | "boolean" | "integer" | "number" | "array" | "string" {
  if (p.enum) return "enum";
  const types = Array.isArray(p.type)
    ? p.type
    : p.type
      ? [p.type]
      : (p.anyOf ?? []).flatMap((a) => (Array.isArray(a.type) ? a.type : a.type ? [a.type] : []));
  if (types.includes("boolean")) return "boolean";
  if (types.includes("integer")) return "integer";
  if (types.includes("number")) return "number";
  if (types.includes("array")) return "array";
  return "string";
}

function bounds(p: JsonSchemaProperty): string {
  const lo = p.minimum ?? p.exclusiveMinimum;
  const hi = p.maximum ?? p.exclusiveMaximum;
  if (lo === undefined && hi === undefined) return "";
  return `${lo ?? "-inf"} .. ${hi ?? "inf"}`;
}

/** Converts a form string back to the JSON value the schema expects. */
export function coerceFieldValue(p: JsonSchemaProperty, raw: string | boolean): unknown {
  const kind = kindOf(p);
  if (kind === "boolean") return Boolean(raw);
  const text = String(raw).trim();
  if (kind === "integer" || kind === "number") return text === "" ? undefined : Number(text);
  if (kind === "array") {
    const itemKind = p.items ? kindOf(p.items) : "string";
    const parts = text === "" ? [] : text.split(",").map((s) => s.trim());
    return itemKind === "integer" || itemKind === "number" ? parts.map(Number) : parts;
  }
  if (kind === "enum" && p.enum && typeof p.enum[0] === "number") return Number(text);
  return text;
}

/** Renders a value for a form input. */
export function displayFieldValue(value: unknown): string | boolean {
  if (typeof value === "boolean") return value;
  if (Array.isArray(value)) return value.join(", ");
  return value === undefined || value === null ? "" : String(value);
}

/** One input per property of a JSON Schema object: numbers with bounds, selects for enums, checkboxes for booleans. */
export function SchemaFields({
  prefix,
  schema,
  values,
  errors,
  onChange,
}: {
  prefix: string;
  schema: JsonObjectSchema;
  values: Record<string, unknown>;
  errors: Record<string, string>;
  onChange: (key: string, value: unknown) => void;
}) {
  const properties = Object.entries(schema.properties ?? {});
  if (properties.length === 0) return <p className="muted">No parameters.</p>;
  return (
    <>
      {properties.map(([key, p]) => {
        const id = `${prefix}.${key}`;
        const kind = kindOf(p);
        const error = errors[id];
        const value = displayFieldValue(values[key]);
        return (
          <div className="field" key={id}>
            <label htmlFor={id}>{key}</label>
            {kind === "boolean" ? (
              <input
                id={id}
                name={id}
                type="checkbox"
                checked={value === true}
                onChange={(e) => onChange(key, e.target.checked)}
              />
            ) : kind === "enum" ? (
              <select
                id={id}
                name={id}
                value={String(value)}
                aria-invalid={error ? true : undefined}
                onChange={(e) => onChange(key, coerceFieldValue(p, e.target.value))}
              >
                {(p.enum ?? []).map((option) => (
                  <option key={String(option)} value={String(option)}>
                    {String(option)}
                  </option>
                ))}
              </select>
            ) : (
              <input
                id={id}
                name={id}
                type={kind === "integer" || kind === "number" ? "number" : "text"}
                step={kind === "integer" ? 1 : "any"}
                value={String(value)}
                aria-invalid={error ? true : undefined}
                onChange={(e) =>
                  onChange(
                    key,
                    kind === "integer" || kind === "number" ? e.target.value : coerceFieldValue(p, e.target.value),
                  )
                }
                onBlur={(e) => onChange(key, coerceFieldValue(p, e.target.value))}
              />
            )}
            {(p.description || bounds(p)) && (
              <span className="help">
                {[p.description, bounds(p) && `range ${bounds(p)}`].filter(Boolean).join(" · ")}
              </span>
            )}
            {error && (
              <span className="error" data-testid={`error-${id}`}>
                {error}
              </span>
            )}
          </div>
        );
      })}
    </>
  );
}
