import { services } from "../../../../server/services";
import { json, problem } from "../../../../server/http";

export const dynamic = "force-dynamic";

export async function GET(_request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await context.params;
  const run = await services().runs.getRunDetail(id);
  return run ? json({ run }) : problem(404, `run ${id} not found`);
}
