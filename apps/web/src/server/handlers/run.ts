import { EntityId, type RunStreamEvent } from "@seqlab/contracts";
import { z } from "zod";
import { json, problem, readBody, readQuery } from "../http";
import { defineHandler } from "../route";
import { sseResponse } from "../sse";

const RunParams = z.object({ id: EntityId });
const runNotFound = (raw: Record<string, string | string[]>) => `run ${JSON.stringify(raw.id ?? "")} not found`;

/** GET /api/runs/:id: details, attempts, artifacts, log, queue position while waiting. */
export const getRun = defineHandler({
  params: RunParams,
  notFound: runNotFound,
  async handle({ services, params }) {
    const run = await services.runService.detail(params.id);
    return run ? json({ run }) : problem(404, runNotFound(params));
  },
});

const RunPatch = z.strictObject({ priority: z.number().int().min(-100).max(100) });

/** PATCH /api/runs/:id `{ "priority": 10 }`: changes a waiting run's priority; 409 once it has started. */
export const patchRun = defineHandler({
  params: RunParams,
  notFound: runNotFound,
  async handle({ services, request, params }) {
    const patch = await readBody(request, RunPatch);
    if (!patch.ok) return patch.response;
    if (!(await services.runs.getStatus(params.id))) return problem(404, runNotFound(params));
    if (!(await services.runService.changePriority(params.id, patch.body.priority))) {
      return problem(409, `run ${params.id} is no longer waiting`);
    }
    return json({ run: await services.runService.detail(params.id) });
  },
});

/** POST /api/runs/:id/cancel: a queued run at once, a running one within a cancel poll of its worker. */
export const cancelRun = defineHandler({
  params: RunParams,
  notFound: runNotFound,
  async handle({ services, params }) {
    const outcome = await services.runService.cancel(params.id);
    if (outcome === "missing") return problem(404, runNotFound(params));
    if (outcome === "finished") return problem(409, `run ${params.id} has already finished`);
    return json({ outcome }, 202);
  },
});

const MetricsQuery = z.object({
  /** Points per key after thinning; 10 to 100 000. */
  max: z.coerce.number().int().min(10).max(100_000).default(1000),
});

/** GET /api/runs/:id/metrics: stored metric points, thinned to `?max=` per key. */
export const getRunMetrics = defineHandler({
  params: RunParams,
  notFound: runNotFound,
  async handle({ services, request, params }) {
    const read = readQuery(request, MetricsQuery);
    if (!read.ok) return read.response;
    if (!(await services.runs.getStatus(params.id))) return problem(404, runNotFound(params));
    return json({ points: await services.metrics.listPoints(params.id, { maxPointsPerKey: read.query.max }) });
  },
});

/** GET /api/runs/:id/stream: a snapshot (status + stored points), then each event as the worker publishes it. */
export const streamRun = defineHandler({
  params: RunParams,
  notFound: runNotFound,
  async handle({ services: s, request, params }) {
    const { id } = params;
    if (!(await s.runs.getStatus(id))) return problem(404, runNotFound(params));
    return sseResponse(request, async (send) => {
      const stop = await s.hub.subscribe(id, send);
      const [run, points] = await Promise.all([
        s.runs.getRunDetail(id),
        s.metrics.listPoints(id, { maxPointsPerKey: 5000 }),
      ]);
      const snapshot: RunStreamEvent[] = [];
      if (run) {
        snapshot.push({
          type: "status",
          runId: id,
          status: run.status,
          errorReason: run.errorReason,
          attempt: run.attempt,
          backend: run.backend,
        });
      }
      for (let i = 0; i < points.length; i += 1000) {
        snapshot.push({ type: "metrics", runId: id, points: points.slice(i, i + 1000) });
      }
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
  },
});

/** GET /api/runs/stream: live status changes of every run, for the runs list. */
export const streamRuns = defineHandler({
  async handle({ services: s, request }) {
    return sseResponse(request, async (send) => ({ snapshot: [], stop: await s.hub.subscribe(null, send) }));
  },
});
