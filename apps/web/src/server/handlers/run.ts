import { EntityId, type RunStreamEvent } from "@seqlab/contracts";
import { z } from "zod";
import { readableTeams, runPermission } from "../access";
import { json, problem, readBody, readQuery } from "../http";
import type { UserPrincipal } from "../identity";
import { defineHandler } from "../route";
import type { Services } from "../services";
import { sseResponse } from "../sse";

const RunParams = z.object({ id: EntityId });
const runNotFound = (raw: Record<string, string | string[]>) => `run ${JSON.stringify(raw.id ?? "")} not found`;

/** The actor fields of an audit entry. */
const actor = (principal: UserPrincipal) => ({
  actorUserId: principal.userId,
  actorKeyId: principal.via === "key" ? principal.keyId : null,
});

/** GET /api/runs/:id: details, attempts, artifacts, log, queue position while waiting. */
export const getRun = defineHandler({
  access: "signed-in",
  params: RunParams,
  notFound: runNotFound,
  async handle({ services, principal, params }) {
    const decision = await runPermission(services, principal, params.id, "read");
    if (!decision.ok) return problem(decision.denial.status, decision.denial.error);
    const run = await services.runService.detail(params.id);
    return run ? json({ run }) : problem(404, runNotFound(params));
  },
});

const RunPatch = z.strictObject({ priority: z.number().int().min(-100).max(100) });

/** PATCH /api/runs/:id `{ "priority": 10 }`: changes a waiting run's priority; 409 once it has started. */
export const patchRun = defineHandler({
  access: "signed-in",
  params: RunParams,
  notFound: runNotFound,
  async handle({ services, principal, request, params }) {
    const decision = await runPermission(services, principal, params.id, "modify");
    if (!decision.ok) return problem(decision.denial.status, decision.denial.error);
    const patch = await readBody(request, RunPatch);
    if (!patch.ok) return patch.response;
    if (!(await services.runService.changePriority(params.id, patch.body.priority))) {
      return problem(409, `run ${params.id} is no longer waiting`);
    }
    await services.audit.record({
      teamId: decision.teamId!,
      ...actor(principal),
      action: "run.priority",
      targetType: "run",
      targetId: params.id,
      data: { priority: patch.body.priority },
    });
    return json({ run: await services.runService.detail(params.id) });
  },
});

/** POST /api/runs/:id/cancel: a queued run at once, a running one within a cancel poll of its worker. */
export const cancelRun = defineHandler({
  access: "signed-in",
  params: RunParams,
  notFound: runNotFound,
  async handle({ services, principal, params }) {
    const decision = await runPermission(services, principal, params.id, "modify");
    if (!decision.ok) return problem(decision.denial.status, decision.denial.error);
    const outcome = await services.runService.cancel(params.id);
    if (outcome === "missing") return problem(404, runNotFound(params));
    if (outcome === "finished") return problem(409, `run ${params.id} has already finished`);
    await services.audit.record({
      teamId: decision.teamId!,
      ...actor(principal),
      action: "run.cancel",
      targetType: "run",
      targetId: params.id,
      data: { outcome },
    });
    return json({ outcome }, 202);
  },
});

const MetricsQuery = z.object({
  /** Points per key after thinning; 10 to 100 000. */
  max: z.coerce.number().int().min(10).max(100_000).default(1000),
});

/** GET /api/runs/:id/metrics: stored metric points, thinned to `?max=` per key. */
export const getRunMetrics = defineHandler({
  access: "signed-in",
  params: RunParams,
  notFound: runNotFound,
  async handle({ services, principal, request, params }) {
    const decision = await runPermission(services, principal, params.id, "read");
    if (!decision.ok) return problem(decision.denial.status, decision.denial.error);
    const read = readQuery(request, MetricsQuery);
    if (!read.ok) return read.response;
    return json({ points: await services.metrics.listPoints(params.id, { maxPointsPerKey: read.query.max }) });
  },
});

/** A slot under the live-stream caps, or the 429/503 (with Retry-After) to answer with. */
function streamSlot(services: Services, principal: UserPrincipal) {
  const slot = services.streams.open(principal.userId);
  if (slot.ok) return { ok: true as const, release: slot.release };
  return {
    ok: false as const,
    response: json({ error: slot.error }, slot.status, { "retry-after": String(slot.retryAfterSeconds) }),
  };
}

/** GET /api/runs/:id/stream: a snapshot (status + stored points), then each event as the worker publishes it. */
export const streamRun = defineHandler({
  access: "signed-in",
  params: RunParams,
  notFound: runNotFound,
  async handle({ services: s, principal, request, params }) {
    const { id } = params;
    const decision = await runPermission(s, principal, id, "read");
    if (!decision.ok) return problem(decision.denial.status, decision.denial.error);
    const slot = streamSlot(s, principal);
    if (!slot.ok) return slot.response;
    return sseResponse(request, async (send) => {
      const unsubscribe = await s.hub.subscribe(id, send);
      const stop = () => {
        unsubscribe();
        slot.release();
      };
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

/** How many run-to-team answers the runs stream remembers per connection (a page rarely watches more runs). */
const TEAM_CACHE_SIZE = 10_000;

/** GET /api/runs/stream: live status changes of the runs the caller may read, for the runs list. */
export const streamRuns = defineHandler({
  access: "signed-in",
  async handle({ services: s, principal, request }) {
    const readable = new Set((await readableTeams(s.teams, principal)).map((t) => t.teamId));
    const slot = streamSlot(s, principal);
    if (!slot.ok) return slot.response;
    const teamOfRun = new Map<string, string | null>();
    return sseResponse(request, async (send) => {
      const unsubscribe = await s.hub.subscribe(null, (event) => {
        const known = teamOfRun.get(event.runId);
        if (known !== undefined) {
          if (known !== null && readable.has(known)) send(event);
          return;
        }
        void s.runs.runOwnership(event.runId).then(
          (ownership) => {
            if (teamOfRun.size >= TEAM_CACHE_SIZE) teamOfRun.clear();
            teamOfRun.set(event.runId, ownership?.teamId ?? null);
            if (ownership && readable.has(ownership.teamId)) send(event);
          },
          () => undefined,
        );
      });
      return {
        snapshot: [],
        stop: () => {
          unsubscribe();
          slot.release();
        },
      };
    });
  },
});
