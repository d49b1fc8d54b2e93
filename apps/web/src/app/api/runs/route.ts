import { services } from "../../../server/services";
import { LaunchValidationError } from "../../../server/run-service";
import { json, problem, readJson } from "../../../server/http";

export const dynamic = "force-dynamic";

/** Lists runs, newest first. `?project=slug` filters, `?limit=` caps (default 200, at most 1000). */
export async function GET(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const limit = Math.min(1000, Math.max(1, Number(url.searchParams.get("limit") ?? 200) || 200));
  const runs = await services().runs.listRuns({ projectSlug: url.searchParams.get("project") ?? undefined, limit });
  return json({ runs });
}

/** Launches a run: 201 with the run, or 400 listing every bad field (nothing written or queued). */
export async function POST(request: Request): Promise<Response> {
  const body = await readJson(request);
  if (!body.ok) return problem(400, "request body must be JSON", [{ path: "(body)", message: "not valid JSON" }]);
  try {
    const run = await services().runService.launch(body.body);
    return json({ run }, 201);
  } catch (error) {
    if (error instanceof LaunchValidationError) return problem(400, "invalid run request", error.issues);
    throw error;
  }
}
