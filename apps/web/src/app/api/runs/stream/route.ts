import { services } from "../../../../server/services";
import { sseResponse } from "../../../../server/sse";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** Live status changes of every run, for the runs list. */
export async function GET(request: Request): Promise<Response> {
  const s = services();
  return sseResponse(request, async (send) => ({ snapshot: [], stop: await s.hub.subscribe(null, send) }));
}
