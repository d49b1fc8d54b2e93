import { InvalidArgumentError } from "commander";
import { z } from "zod";
import { usageError } from "./cli-error";

/** A whole number given as a flag's text. */
const WholeNumber = z
  .string()
  .trim()
  .regex(/^-?\d+$/, "must be a whole number")
  .transform(Number)
  .pipe(z.number().int().safe("is too large"));

/** `--limit`: a whole number ≥ 1. */
export const PositiveInt = WholeNumber.pipe(z.number().min(1, "must be a positive whole number"));
/** `--step`, `--seed`: a whole number ≥ 0. */
export const NonNegativeInt = WholeNumber.pipe(z.number().min(0, "must be a whole number ≥ 0"));
/** `--priority`: any whole number (the server checks its range). */
export const Int = WholeNumber;

/** A flag's value that must be non-empty. */
export const NonEmpty = z.string().trim().min(1, "must not be empty");

/** `-p key=value`'s value: JSON when it parses as JSON (a number, a boolean, null, an array, an object), else text. */
export function parseParamValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * A commander argument parser for a repeatable `key=value` flag: the pairs collected into one object (a later
 * key replaces an earlier one), each value parsed by {@link parseParamValue}.
 */
export function collectKeyValue(value: string, previous: Record<string, unknown> | undefined): Record<string, unknown> {
  const eq = value.indexOf("=");
  const key = eq < 0 ? "" : value.slice(0, eq).trim();
  if (eq < 0 || key === "") throw new InvalidArgumentError(`expected key=value, got "${value}"`);
  return { ...previous, [key]: parseParamValue(value.slice(eq + 1)) };
}

/** `--flag-name` for the option attribute `flagName` (how commander names them). */
function flagOf(attribute: PropertyKey | undefined): string {
  if (typeof attribute !== "string") return "(options)";
  return `--${attribute.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/**
 * A command's parsed options checked with `schema`: the typed values, or a usage error naming the first bad flag
 * (`--limit: must be a positive whole number`).
 */
export function parseFlags<S extends z.ZodType>(schema: S, values: Record<string, unknown>): z.output<S> {
  const parsed = schema.safeParse(values);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw usageError(`${flagOf(issue.path[0])}: ${issue.message}`);
}
