import { services } from "../../../../../server/services";
import { json, problem } from "../../../../../server/http";

export const dynamic = "force-dynamic";

/** Cancels a run: a queued one at once, a running one within a cancel poll of its worker. */
export async function POST(_request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await context.params;
  const outcome = await services().runService.cancel(id);
  if (outcome === "missing") return problem(404, `run ${id} not found`);
  if (outcome === "finished") return problem(409, `run ${id} has already finished`);
  return json({ outcome }, 202);
}
