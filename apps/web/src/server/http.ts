/** JSON response with the given status. */
export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json; charset=utf-8" } });
}

/** A 4xx/5xx body: a message and, for validation errors, one entry per bad field. */
export function problem(status: number, error: string, issues?: { path: string; message: string }[]): Response {
  return json(issues ? { error, issues } : { error }, status);
}

/** Reads a JSON body, or null when it is not JSON. */
export async function readJson(request: Request): Promise<{ ok: true; body: unknown } | { ok: false }> {
  try {
    return { ok: true, body: await request.json() };
  } catch {
    return { ok: false };
  }
}
