import { services } from "../../../../../server/services";
import { json } from "../../../../../server/http";

export const dynamic = "force-dynamic";

/** Every metric point of a run (thinned to `?max=` points per key, default 1000). */
export async function GET(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await context.params;
  const max = Math.min(100_000, Math.max(10, Number(new URL(request.url).searchParams.get("max") ?? 1000) || 1000));
  return json({ points: await services().metrics.listPoints(id, { maxPointsPerKey: max }) });
}
