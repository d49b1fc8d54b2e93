import { z } from "zod";
import { services } from "../../../../server/services";
import { json, problem, readJson } from "../../../../server/http";

export const dynamic = "force-dynamic";

export async function GET(_request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await context.params;
  const run = await services().runService.detail(id);
  return run ? json({ run }) : problem(404, `run ${id} not found`);
}

const RunPatch = z.strictObject({ priority: z.number().int().min(-100).max(100) });

/** Changes a waiting run's priority (`{ "priority": 10 }`); 409 once it has started. */
export async function PATCH(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await context.params;
  const body = await readJson(request);
  if (!body.ok) return problem(400, "request body must be JSON", [{ path: "(body)", message: "not valid JSON" }]);
  const patch = RunPatch.safeParse(body.body);
  if (!patch.success)
    return problem(
      400,
      "invalid patch",
      patch.error.issues.map((i) => ({ path: i.path.join(".") || "(root)", message: i.message })),
    );
  const s = services();
  const exists = await s.runs.getStatus(id);
  if (!exists) return problem(404, `run ${id} not found`);
  if (!(await s.runService.changePriority(id, patch.data.priority)))
    return problem(409, `run ${id} is no longer waiting`);
  return json({ run: await s.runService.detail(id) });
}
