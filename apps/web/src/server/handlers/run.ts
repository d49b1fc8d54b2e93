import {
  DisplayText,
  EntityId,
  EvaluationResult,
  GradientFlowSnapshot,
  MAX_RUN_TAGS,
  MAX_SERIES_BUCKETS,
  RunTag,
  MetricKey,
  PREDICTION_INPUTS_NAME,
  PredictionInputs,
  PredictionsSnapshot,
  RUN_MEDIA_KINDS,
  TEST_EVALUATION_NAME,
  type GradientFlow,
  type MetricPoint,
  type RunStreamEvent,
} from "@seqlab/contracts";
import { z } from "zod";
import { nearestStepIndex } from "../../lib/predictions-view";
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
    if ((await services.runs.getStatus(params.id))?.external) {
      return problem(409, `run ${params.id} is trained by its own script (external): stop the script to stop it`);
    }
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

/**
 * POST /api/runs/:id/resume: a cancelled or failed run continues from its newest checkpoint as a new attempt (202);
 * 409 when it is not cancelled or failed, has no checkpoint, or is still stopping.
 */
export const resumeRun = defineHandler({
  access: "signed-in",
  params: RunParams,
  notFound: runNotFound,
  async handle({ services, principal, params }) {
    const decision = await runPermission(services, principal, params.id, "modify");
    if (!decision.ok) return problem(decision.denial.status, decision.denial.error);
    const outcome = await services.runService.resume(params.id);
    if (outcome === "missing") return problem(404, runNotFound(params));
    if (outcome === "stopping") return problem(409, `run ${params.id} is still stopping; resume it in a moment`);
    if (outcome === "not-resumable") {
      return problem(409, `run ${params.id} cannot be resumed: only a cancelled or failed run with a checkpoint can`);
    }
    await services.audit.record({
      teamId: decision.teamId!,
      ...actor(principal),
      action: "run.resume",
      targetType: "run",
      targetId: params.id,
      data: {},
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

/**
 * An artifact's bytes read as UTF-8 JSON and checked against `schema`; null when they are not valid UTF-8, not JSON,
 * or not that shape. Artifacts are written by workers, possibly of another version: a bad one is left out of the
 * answer rather than failing it.
 */
function artifactJson<T>(content: Uint8Array, schema: z.ZodType<T>): T | null {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(content));
  } catch {
    return null;
  }
  const parsed = schema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

/**
 * Evaluation artifacts read per request. saveArtifact keeps one per run, kind and name, and the worker writes one
 * name ("test"), so this only bounds what a misbehaving writer could make the request read.
 */
const MAX_EVALUATION_ROWS = 20;

/** GET /api/runs/:id/evaluation: `{ evaluation }`, the run's test-set result, or null until it has one. */
export const getRunEvaluation = defineHandler({
  access: "signed-in",
  params: RunParams,
  notFound: runNotFound,
  async handle({ services, principal, params }) {
    const decision = await runPermission(services, principal, params.id, "read");
    if (!decision.ok) return problem(decision.denial.status, decision.denial.error);
    const rows = await services.artifacts.contentsOfKind(params.id, RUN_MEDIA_KINDS.evaluation, MAX_EVALUATION_ROWS);
    // Rows come oldest step first: the newest test evaluation that parses is the run's result.
    const evaluation =
      rows
        .filter((row) => row.name === TEST_EVALUATION_NAME)
        .map((row) => artifactJson(row.content, EvaluationResult))
        .findLast((result) => result !== null) ?? null;
    return json({ evaluation });
  },
});

/**
 * Gradient-flow snapshots read per request: one per evaluation (every `evalEvery` steps), so 500 covers a run of
 * 12 500 steps at the default of 25. The catalog's tasks have at most a few hundred time steps, a few MB of JSON
 * at 500 rows (the schema's cap of 10 000 norms a snapshot would make it about 100 MB).
 */
const MAX_GRADIENT_FLOW_SNAPSHOTS = 500;

/**
 * GET /api/runs/:id/gradient-flow: `{ timeSteps, snapshots }`, every gradient-flow snapshot of the run, oldest
 * training step first (none yet: `{ timeSteps: 0, snapshots: [] }`). A snapshot that does not parse is left out.
 */
export const getRunGradientFlow = defineHandler({
  access: "signed-in",
  params: RunParams,
  notFound: runNotFound,
  async handle({ services, principal, params }) {
    const decision = await runPermission(services, principal, params.id, "read");
    if (!decision.ok) return problem(decision.denial.status, decision.denial.error);
    const rows = await services.artifacts.contentsOfKind(
      params.id,
      RUN_MEDIA_KINDS.gradientFlow,
      MAX_GRADIENT_FLOW_SNAPSHOTS,
    );
    const snapshots = rows
      .map((row) => artifactJson(row.content, GradientFlowSnapshot))
      .filter((snapshot) => snapshot !== null)
      // By the step the snapshot states, which is what the heatmap's rows are labelled with (a stable sort keeps the
      // rows' own order for equal steps).
      .sort((a, b) => a.step - b.step);
    const flow: GradientFlow = {
      timeSteps: snapshots.reduce((longest, s) => Math.max(longest, s.norms.length), 0),
      snapshots,
    };
    return json(flow);
  },
});

const PredictionsQuery = z.strictObject({
  /** The evaluation step to show; the nearest logged one is answered. Absent: the latest. */
  step: z.coerce.number().int().min(0).max(1_000_000_000).optional(),
});

/**
 * GET /api/runs/:id/predictions[?step=N]: the steps with logged predictions, the inputs of the predicted samples
 * (stored once) and the snapshot of the step asked for (the nearest logged one; the latest without `step`).
 * Only that snapshot's bytes are read, whatever the number of evaluations.
 */
export const getRunPredictions = defineHandler({
  access: "signed-in",
  params: RunParams,
  notFound: runNotFound,
  async handle({ services, principal, request, params }) {
    const decision = await runPermission(services, principal, params.id, "read");
    if (!decision.ok) return problem(decision.denial.status, decision.denial.error);
    const read = readQuery(request, PredictionsQuery);
    if (!read.ok) return read.response;
    const listed = (await services.artifacts.listOfKind(params.id, RUN_MEDIA_KINDS.predictions)).filter(
      (row): row is { name: string; step: number } => row.step !== null,
    );
    // The same choice as the panel's slider: the nearest logged step, the latest without one.
    const chosen =
      listed[
        nearestStepIndex(
          listed.map((row) => row.step),
          read.query.step ?? null,
        )
      ];
    const [content, inputsContent] = await Promise.all([
      chosen ? services.artifacts.contentOf(params.id, RUN_MEDIA_KINDS.predictions, chosen.name) : null,
      services.artifacts.contentOf(params.id, RUN_MEDIA_KINDS.predictionInputs, PREDICTION_INPUTS_NAME),
    ]);
    const snapshot = content ? artifactJson(content, PredictionsSnapshot) : null;
    const inputs = inputsContent ? artifactJson(inputsContent, PredictionInputs) : null;
    return json({ steps: listed.map((row) => row.step), inputs: inputs?.samples ?? [], snapshot });
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
