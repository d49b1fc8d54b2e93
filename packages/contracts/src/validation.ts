import { z } from "zod";

/** One invalid field of a request, by its dotted path in the body ("training.steps"), with a message for people. */
export interface FieldIssue {
  path: string;
  message: string;
}

/**
 * zod issues as one entry per bad field. An unknown key becomes an issue at that key's own path ("unknown field"),
 * so a form can show it next to the field and an API client sees exactly which names it got wrong.
 */
export function fieldIssues(
  issues: readonly { code?: string; path: readonly PropertyKey[]; message: string; keys?: readonly string[] }[],
  prefix: readonly string[] = [],
): FieldIssue[] {
  return issues.flatMap((issue) => {
    const base = [...prefix, ...issue.path.map(String)];
    if (issue.code === "unrecognized_keys" && issue.keys?.length) {
      return issue.keys.map((key) => ({ path: [...base, key].join("."), message: "unknown field" }));
    }
    return [{ path: base.join(".") || "(body)", message: issue.message }];
  });
}

/**
 * The path of the first string (value or key) in `value` holding a NUL character, or null. PostgreSQL cannot store
 * NUL in text or jsonb, so a request carrying one is refused at the boundary instead of failing in the database.
 */
export function findNulCharacter(value: unknown, path: string[] = []): string | null {
  if (typeof value === "string") return value.includes("\u0000") ? path.join(".") || "(body)" : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findNulCharacter(value[i], [...path, String(i)]);
      if (found !== null) return found;
    }
    return null;
  }
  if (value !== null && typeof value === "object") {
    for (const [key, inner] of Object.entries(value)) {
      if (key.includes("\u0000")) return [...path, key.replaceAll("\u0000", "\\0")].join(".");
      const found = findNulCharacter(inner, [...path, key]);
      if (found !== null) return found;
    }
  }
  return null;
}

/** Ids the platform creates (cuid): lower-case letters and digits. Anything else cannot name a row. */
export const EntityId = z.string().regex(/^[a-z0-9]{1,64}$/, "is not an id");

/** Project and queue names: lower-case slugs, as they appear in URLs. */
export const Slug = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]{0,62}$/,
    "must be a slug: lower-case letters, digits and dashes, starting with a letter or digit (at most 63)",
  );

/** Free text a person types (a run name): printable, no control characters, trimmed. */
export const DisplayText = (max: number) =>
  z
    .string()
    .trim()
    .min(1, "must not be empty")
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), "must not contain control characters");
