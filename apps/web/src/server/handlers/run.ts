import {
  DisplayText,
  EntityId,
  MAX_RUN_TAGS,
  MAX_SERIES_BUCKETS,
  RunTag,
  MetricKey,
  type MetricPoint,
  type RunStreamEvent,
} from "@seqlab/contracts";
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

const RunPatch = z
  .strictObject({
    priority: z.number().int().min(-100).max(100).optional(),
    name: DisplayText(120).optional(),
    tags: z.array(RunTag).max(MAX_RUN_TAGS).optional(),
    notes: z.string().max(20_000).optional(),
  })
  .refine((p) => Object.keys(p).length > 0, { message: "nothing to change: give priority, name, tags or notes" });

/**
 * PATCH /api/runs/:id `{ "priority": 10 }`, `{ "tags": ["baseline"] }`, `{ "notes": "..." }`, `{ "name": "..." }`:
 * edits a run (its launcher or an admin). Priority changes only while the run waits (409 once it has started).
 */
export const patchRun = defineHandler({
  access: "signed-in",
  params: RunParams,
  notFound: runNotFound,
  async handle({ services, principal, request, params }) {
    const decision = await runPermission(services, principal, params.id, "modify");
    if (!decision.ok) return problem(decision.denial.status, decision.denial.error);
    const patch = await readBody(request, RunPatch);
    if (!patch.ok) return patch.response;
    const { priority, ...edit } = patch.body;
    if (priority !== undefined && !(await services.runService.changePriority(params.id, priority))) {
      return problem(409, `run ${params.id} is no longer waiting`);
    }
    if (Object.keys(edit).length > 0) {
      const tags = edit.tags ? [...new Set(edit.tags)].sort() : undefined;
      if (!(await services.runs.editRun(params.id, { ...edit, ...(tags ? { tags } : {}) }))) {
        return problem(404, runNotFound(params));
      }
    }
    if (priority !== undefined) {
      await services.audit.record({
        teamId: decision.teamId!,
        ...actor(principal),
        action: "run.priority",
        targetType: "run",
        targetId: params.id,
        data: { priority },
      });
    }
    if (Object.keys(edit).length > 0) {
      await services.audit.record({
        teamId: decision.teamId!,
        ...actor(principal),
        action: "run.edit",
        targetType: "run",
        targetId: params.id,
        data: { fields: Object.keys(edit).join(", "), ...(edit.tags ? { tags: edit.tags.join(", ") } : {}) },
      });
    }
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

/** `?keys=loss,val/loss`: a comma-separated list of metric keys (all keys when absent). */
const KeyList = z
  .string()
  .max(4000)
  .transform((text) => text.split(",").filter((k) => k.length > 0))
  .pipe(z.array(MetricKey).max(100))
  .optional();

/** What a series request may say about the range and resolution, for one run or several. */
const seriesRange = {
  keys: KeyList,
  /** Buckets over the range (the width is the smallest power of two that leaves at most this many). */
  buckets: z.coerce.number().int().min(1).max(MAX_SERIES_BUCKETS).default(1000),
  from: z.coerce.number().int().min(0).optional(),
  to: z.coerce.number().int().min(0).optional(),
};
/** A range's `from` must not be after its `to`. */
function fromNotAfterTo<T extends z.ZodType<{ from?: number; to?: number }>>(schema: T) {
  return schema.refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, {
    message: "from must not be after to",
    path: ["from"],
  });
}

const SeriesQuery = fromNotAfterTo(z.object(seriesRange));

/**
 * GET /api/runs/:id/series?keys=&buckets=1000&from=&to=: the stored series, downsampled in SQL into aligned
 * buckets (min, max and last of each), re-bucketed for a zoomed `from`..`to`.
 */
export const getRunSeries = defineHandler({
  access: "signed-in",
  params: RunParams,
  notFound: runNotFound,
  async handle({ services, principal, request, params }) {
    const decision = await runPermission(services, principal, params.id, "read");
    if (!decision.ok) return problem(decision.denial.status, decision.denial.error);
    const read = readQuery(request, SeriesQuery);
    if (!read.ok) return read.response;
    const started = performance.now();
    const series = await services.metrics.series(params.id, read.query);
    // Server-Timing: what the downsampling cost, for the browser's network panel and bench/series-figures.ts.
    return json(series, 200, { "server-timing": `series;dur=${(performance.now() - started).toFixed(1)}` });
  },
});

/** At most this many runs per batched series request (the compare page's limit). */
const MAX_SERIES_RUNS = 50;

const BatchSeriesQuery = fromNotAfterTo(
  z.object({
    runs: z
      .string()
      .max(2000)
      .transform((text) => [...new Set(text.split(",").filter((id) => id.length > 0))])
      .pipe(z.array(EntityId).min(1).max(MAX_SERIES_RUNS)),
    ...seriesRange,
  }),
);

/**
 * GET /api/runs/series?runs=a,b,c&keys=&buckets=&from=&to=: several runs' series in one query, at one width so
 * their buckets line up (compare). Runs the caller may not read, or that do not exist, are listed in `missing`.
 */
export const getRunsSeries = defineHandler({
  access: "signed-in",
  async handle({ services, principal, request }) {
    const read = readQuery(request, BatchSeriesQuery);
    if (!read.ok) return read.response;
    const { runs, ...options } = read.query;
    const readable: string[] = [];
    const missing: string[] = [];
    for (const id of runs) {
      if ((await runPermission(services, principal, id, "read")).ok) readable.push(id);
      else missing.push(id);
    }
    const started = performance.now();
    const byRun = readable.length ? await services.metrics.seriesOfRuns(readable, options) : new Map();
    return json({ runs: Object.fromEntries(byRun), missing }, 200, {
      "server-timing": `series;dur=${(performance.now() - started).toFixed(1)}`,
    });
  },
});

const ExportQuery = z.object({ keys: KeyList, format: z.enum(["json", "csv"]).default("json") });

/** Rows read from the database per page of an export: the web process holds one page at a time. */
const EXPORT_PAGE = 5000;

/**
 * GET /api/runs/:id/metrics?format=json|csv&keys=: every stored point of the run (no downsampling), streamed page
 * by page. JSON is `{ "points": [{ key, step, value, wallTime }] }`; CSV has the columns key, step, value and
 * wall_time (ISO 8601); metric keys never need CSV quoting (letters, digits and _ . / -).
 */
export const getRunMetrics = defineHandler({
  access: "signed-in",
  params: RunParams,
  notFound: runNotFound,
  async handle({ services, principal, request, params }) {
    const decision = await runPermission(services, principal, params.id, "read");
    if (!decision.ok) return problem(decision.denial.status, decision.denial.error);
    const read = readQuery(request, ExportQuery);
    if (!read.ok) return read.response;
    const { keys, format } = read.query;
    const encoder = new TextEncoder();
    let after: MetricPoint | undefined;
    let first = true;
    let done = false;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode(format === "csv" ? "key,step,value,wall_time\n" : '{"points":['));
      },
      // Pull-driven: the next page is read only when the client has taken the previous one.
      async pull(controller) {
        if (done) return;
        const page = await services.metrics.pagePoints(params.id, { keys, after, limit: EXPORT_PAGE });
        const text =
          format === "csv"
            ? page.map((p) => `${p.key},${p.step},${p.value},${new Date(p.wallTime).toISOString()}\n`).join("")
            : page.map((p, i) => (first && i === 0 ? "" : ",") + JSON.stringify(p)).join("");
        if (page.length > 0) first = false;
        controller.enqueue(encoder.encode(text));
        after = page.at(-1);
        if (page.length < EXPORT_PAGE) {
          done = true;
          if (format === "json") controller.enqueue(encoder.encode("]}"));
          controller.close();
        }
      },
    });
    const name = `run-${params.id}-metrics.${format}`;
    return new Response(body, {
      status: 200,
      headers: {
        "content-type": format === "csv" ? "text/csv; charset=utf-8" : "application/json",
        "content-disposition": `attachment; filename="${name}"`,
        "cache-control": "no-store",
      },
    });
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
      const [run, series] = await Promise.all([s.runs.getRunDetail(id), s.metrics.series(id, { buckets: 1000 })]);
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
      snapshot.push({ type: "series", runId: id, series });
      const snapshotAt = Date.now();
      const catchUp = async (): Promise<RunStreamEvent[]> => {
        // Only points recorded shortly before the snapshot can be missing from it; re-send those.
        const recent = await s.metrics.listPoints(id, {
          recordedAfter: new Date(snapshotAt - 60_000),
          limit: 20_000,
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
