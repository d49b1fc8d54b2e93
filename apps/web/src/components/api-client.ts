import type { z } from "zod";

/** The JSON answer of one of the dashboard's own API calls. */
export interface ApiAnswer<T> {
  ok: boolean;
  status: number;
  body: T & { error?: string; issues?: { path: string; message: string }[] };
}

/** Calls the dashboard's API from a page (same origin, so the session cookie and Origin header go along). */
export async function api<T = Record<string, unknown>>(
  method: string,
  path: string,
  body?: unknown,
): Promise<ApiAnswer<T>> {
  const response = await fetch(path, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: unknown = {};
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch {
    parsed = { error: text.slice(0, 200) };
  }
  return { ok: response.ok, status: response.status, body: parsed as ApiAnswer<T>["body"] };
}

/** The field errors of an answer, by field path, for the inputs to show. */
export function fieldErrors(answer: ApiAnswer<unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of answer.body.issues ?? []) out[issue.path] = issue.message;
  return out;
}

/**
 * GETs one of the dashboard's JSON answers and checks it against `schema`: the value, or null when the request
 * fails, the answer is not a 2xx, or it is not that shape (a page then keeps what it showed before).
 */
export async function getParsed<T>(path: string, schema: z.ZodType<T>): Promise<T | null> {
  try {
    const response = await fetch(path);
    if (!response.ok) return null;
    const parsed = schema.safeParse(await response.json());
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
