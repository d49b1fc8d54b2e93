/*
 * The launch form's checks, run in the browser before anything is sent: each field against the JSON Schema that
 * `describeCatalog` derives (zod's toJSONSchema) from the very zod schemas the server parses the launch with. The
 * server stays the authority (cross-field rules such as minShapes <= maxShapes exist only there); this catches
 * what a field's own schema says, next to the field, before a round trip.
 */

/** The subset of JSON Schema that zod's toJSONSchema emits for the catalogs' flat parameter objects. */
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
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  default?: unknown;
  description?: string;
}

/** A flat object schema: one property per form field. */
export interface JsonObjectSchema {
  properties?: Record<string, JsonSchemaProperty>;
  required?: string[];
}

/** How a property is edited: the input it gets and how its text is read back. */
export type FieldKind = "enum" | "boolean" | "integer" | "number" | "array" | "string";

/** The kind of input a property needs (enum before type: an enum of strings is a select, not a text box). */
export function fieldKind(p: JsonSchemaProperty): FieldKind {
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

/** Renders a value for a form input: arrays as comma-separated text, booleans as they are, nothing as "". */
export function displayFieldValue(value: unknown): string | boolean {
  if (typeof value === "boolean") return value;
  if (Array.isArray(value)) return value.join(", ");
  return value === undefined || value === null ? "" : String(value);
}

/**
 * Whether the form must have a value for `key`: listed as required, or it has a default. The form shows every
 * default filled in, so an empty defaulted field means someone cleared it; sending nothing would launch with the
 * default behind their back, which is the bug this refuses.
 */
export function isFieldRequired(schema: JsonObjectSchema, key: string): boolean {
  const p = schema.properties?.[key];
  return (schema.required ?? []).includes(key) || (p !== undefined && p.default !== undefined);
}

/** A field's text read back as its JSON value (`undefined`: leave the key out), or why it cannot be. */
export type FieldCheck = { ok: true; value: unknown } | { ok: false; message: string };

/** Decimal numbers as people type them; `Number()` alone would also take "0x1f", "Infinity" and "1_0". */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

const formatNumber = (n: number): string => String(n);

/** What the empty-field message suggests: the default when there is one. */
function suggestion(p: JsonSchemaProperty): string {
  return p.default === undefined ? "" : ` (default ${String(displayFieldValue(p.default))})`;
}

function checkNumber(p: JsonSchemaProperty, text: string, integer: boolean): FieldCheck {
  if (!DECIMAL.test(text)) return { ok: false, message: `"${text}" is not a number` };
  const n = Number(text);
  if (!Number.isFinite(n)) return { ok: false, message: `${text} is too large` };
  if (integer && !Number.isInteger(n)) return { ok: false, message: "Must be a whole number" };
  if (p.minimum !== undefined && n < p.minimum) return { ok: false, message: `Must be at least ${p.minimum}` };
  if (p.exclusiveMinimum !== undefined && n <= p.exclusiveMinimum) {
    return { ok: false, message: `Must be greater than ${formatNumber(p.exclusiveMinimum)}` };
  }
  if (p.maximum !== undefined && n > p.maximum) return { ok: false, message: `Must be at most ${p.maximum}` };
  if (p.exclusiveMaximum !== undefined && n >= p.exclusiveMaximum) {
    return { ok: false, message: `Must be less than ${formatNumber(p.exclusiveMaximum)}` };
  }
  return { ok: true, value: n };
}

function checkEnum(p: JsonSchemaProperty, text: string): FieldCheck {
  const match = (p.enum ?? []).find((option) => String(option) === text);
  if (match === undefined) {
    return { ok: false, message: `"${text}" is not one of ${(p.enum ?? []).map(String).join(", ")}` };
  }
  return { ok: true, value: match };
}

function checkString(p: JsonSchemaProperty, text: string): FieldCheck {
  if (p.minLength !== undefined && text.length < p.minLength) {
    return { ok: false, message: `Must be at least ${p.minLength} characters` };
  }
  if (p.maxLength !== undefined && text.length > p.maxLength) {
    return { ok: false, message: `Must be at most ${p.maxLength} characters (this is ${text.length})` };
  }
  if (p.pattern !== undefined && !new RegExp(p.pattern, "u").test(text)) {
    return { ok: false, message: `Must match the pattern ${p.pattern}` };
  }
  return { ok: true, value: text };
}

/** One item of an array field, by its own schema (numbers, integers or enum members). */
function checkItem(p: JsonSchemaProperty, text: string): FieldCheck {
  const kind = fieldKind(p);
  if (kind === "enum") return checkEnum(p, text);
  if (kind === "integer" || kind === "number") return checkNumber(p, text, kind === "integer");
  return checkString(p, text);
}

function checkArray(p: JsonSchemaProperty, text: string): FieldCheck {
  // Empty parts ("1, 2,") are typing leftovers, not items.
  const parts = text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  const values: unknown[] = [];
  for (const [i, part] of parts.entries()) {
    const item = p.items ? checkItem(p.items, part) : { ok: true as const, value: part };
    if (!item.ok) return { ok: false, message: parts.length > 1 ? `Item ${i + 1}: ${item.message}` : item.message };
    values.push(item.value);
  }
  if (p.minItems !== undefined && values.length < p.minItems) {
    return { ok: false, message: `List at least ${p.minItems}, separated by commas` };
  }
  if (p.maxItems !== undefined && values.length > p.maxItems) {
    return { ok: false, message: `List at most ${p.maxItems} (this lists ${values.length})` };
  }
  return { ok: true, value: values };
}

/**
 * Reads one field's raw form value (an input's text, a checkbox's state) against its schema: the JSON value to
 * send, `undefined` for an optional field left empty, or a message for people. An empty `required` field is an
 * error (see {@link isFieldRequired}), never a silent default.
 */
export function checkField(p: JsonSchemaProperty, raw: unknown, required: boolean): FieldCheck {
  const kind = fieldKind(p);
  const shown = displayFieldValue(raw);
  if (kind === "boolean") return { ok: true, value: shown === true || shown === "true" };
  const text = String(shown).trim();
  if (text === "") {
    if (!required) return { ok: true, value: undefined };
    const what = kind === "integer" ? "a whole number" : kind === "number" ? "a number" : "a value";
    return { ok: false, message: `Required: enter ${what}${suggestion(p)}` };
  }
  if (kind === "enum") return checkEnum(p, text);
  if (kind === "integer" || kind === "number") return checkNumber(p, text, kind === "integer");
  if (kind === "array") return checkArray(p, text);
  return checkString(p, text);
}

/** A section of the form (one JSON Schema object) checked: the values to send and the errors by field path. */
export interface SectionCheck {
  values: Record<string, unknown>;
  /** Message per field path (`${prefix}.${key}`, or the bare key without a prefix). */
  errors: Record<string, string>;
}

/** The form path of a key in a section: "training.steps", or "seed" for the request's own fields. */
export function fieldPath(prefix: string, key: string): string {
  return prefix ? `${prefix}.${key}` : key;
}

/** Checks every property of `schema` in `values` (the form's raw values); keys the schema lacks are not sent. */
export function checkSection(schema: JsonObjectSchema, values: Record<string, unknown>, prefix: string): SectionCheck {
  const out: SectionCheck = { values: {}, errors: {} };
  for (const [key, p] of Object.entries(schema.properties ?? {})) {
    const result = checkField(p, values[key], isFieldRequired(schema, key));
    if (!result.ok) out.errors[fieldPath(prefix, key)] = result.message;
    else if (result.value !== undefined) out.values[key] = result.value;
  }
  return out;
}
