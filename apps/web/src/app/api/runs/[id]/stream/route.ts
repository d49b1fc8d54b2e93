import type { RunStreamEvent } from "@seqlab/contracts";
import { services } from "../../../../../server/services";
import { problem } from "../../../../../server/http";
import { sseResponse } from "../../../../../server/sse";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** Live stream of one run: a snapshot (status + every stored point) then each event as the worker publishes it. */
export async function GET(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await context.params;
  const s = services();
  const exists = await s.runs.getStatus(id);
  if (!exists) return problem(404, `run ${id} not found`);
  return sseResponse(request, async (send) => {
    const stop = await s.hub.subscribe(id, send);
    const [run, points] = await Promise.all([
      s.runs.getRunDetail(id),
      s.metrics.listPoints(id, { maxPointsPerKey: 5000 }),
    ]);
    const snapshot: RunStreamEvent[] = [];
    if (run)
      snapshot.push({
        type: "status",
        runId: id,
        status: run.status,
        errorReason: run.errorReason,
        attempt: run.attempt,
        backend: run.backend,
      });
    for (let i = 0; i < points.length; i += 1000)
      snapshot.push({ type: "metrics", runId: id, points: points.slice(i, i + 1000) });
    const snapshotAt = Date.now();
    const catchUp = async (): Promise<RunStreamEvent[]> => {
      // Only points recorded shortly before the snapshot can be missing from it; re-send those.
      const recent = await s.metrics.listPoints(id, {
        maxPointsPerKey: 5000,
        recordedAfter: new Date(snapshotAt - 60_000),
      });
      return recent.length ? [{ type: "metrics", runId: id, points: recent }] : [];
    };
    return { snapshot, stop, catchUp };
  });
}
