import { fieldIssues, findNulCharacter, type FieldIssue } from "@seqlab/contracts";
import type { z } from "zod";

/** JSON response with the given status. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

/**
 * The cookies a better-auth call set (its `returnHeaders`), added to `response` one Set-Cookie line each, rather
 * than as one comma-joined value that Next must split again (commas also occur inside Expires dates).
 */
export function withCookiesOf(response: Response, from: Headers): Response {
  for (const cookie of from.getSetCookie()) response.headers.append("set-cookie", cookie);
  return response;
}

/** The Cookie header a browser would send back after the Set-Cookie lines in `from`. */
export function cookieHeaderOf(from: Headers): string {
  return from
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}

/** A 4xx/5xx body: a message and, for validation errors, one entry per bad field. */
export function problem(status: number, error: string, issues?: FieldIssue[]): Response {
  return json(issues ? { error, issues } : { error }, status);
}

/**
 * Reads and validates a JSON body: the parsed value, or the 400 to answer with (not JSON, a NUL character anywhere,
 * or fields the schema refuses, each named).
 */
export async function readBody<T>(
  request: Request,
  schema: z.ZodType<T>,
): Promise<{ ok: true; body: T } | { ok: false; response: Response }> {
  let raw: unknown;
  try {
    raw = await request.json();
  } catch {
    return {
      ok: false,
      response: problem(400, "request body must be JSON", [{ path: "(body)", message: "not valid JSON" }]),
    };
  }
  const nul = findNulCharacter(raw);
  if (nul !== null) {
    return {
      ok: false,
      response: problem(400, "invalid request", [{ path: nul, message: "must not contain NUL characters" }]),
    };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success)
    return { ok: false, response: problem(400, "invalid request", fieldIssues(parsed.error.issues)) };
  return { ok: true, body: parsed.data };
}

/** Parses a request's query string: the values, or the 400 naming each bad parameter. */
export function readQuery<T>(
  request: Request,
  schema: z.ZodType<T>,
): { ok: true; query: T } | { ok: false; response: Response } {
  const parsed = schema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (parsed.success) return { ok: true, query: parsed.data };
  return { ok: false, response: problem(400, "invalid query", fieldIssues(parsed.error.issues)) };
}
