import { services } from "../../../../server/services";
import { json, problem } from "../../../../server/http";

export const dynamic = "force-dynamic";

/** The runs waiting in a queue, next first, with their positions. */
export async function GET(_request: Request, context: { params: Promise<{ queue: string }> }): Promise<Response> {
  const { queue } = await context.params;
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(queue)) return problem(400, `invalid queue name "${queue}"`);
  const order = await services().runService.waiting(queue);
  return json({ queue, waiting: order.map((runId, i) => ({ runId, position: i + 1 })) });
}
