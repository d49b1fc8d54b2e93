import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { ObjectTooLargeError } from "@seqlab/artifact-store";
import {
  ArtifactUploadQuery,
  CreateExternalRunRequest,
  EntityId,
  FinishExternalRunRequest,
  MAX_ARTIFACT_UPLOAD_BYTES,
  PointBatchRequest,
  foldSummary,
  type MetricSummary,
  type RunStatus,
} from "@seqlab/contracts";
import { EmptyArtifactError } from "@seqlab/db";
import { publishRunEvent } from "@seqlab/queue";
import { z } from "zod";
import { runPermission } from "../access";
import { json, problem, readBody, readQuery } from "../http";
import type { UserPrincipal } from "../identity";
import { resolveLaunchTarget } from "../launch-target";
import { prometheusFor } from "../prometheus";
import { defineHandler } from "../route";
import type { Services } from "../services";

const RunParams = z.object({ id: EntityId });
const runNotFound = (raw: Record<string, string | string[]>) => `run ${JSON.stringify(raw.id ?? "")} not found`;

/** The answer for a run a worker trains: the SDK's routes are for runs trained by the user's own script. */
const notExternal = (id: string) =>
  problem(409, `run ${id} is trained by a seqlab worker: only external runs (the SDK's init) take points from clients`);

/**
 * POST /api/v1/external-runs: a run trained by the user's own script (the SDK's `init`). 201 with the run and its
 * page's URL; the run is RUNNING at once, marked external, with the script's config and environment as given.
 */
export const createExternalRun = defineHandler({
  access: "signed-in",
  async handle({ services, principal, request }) {
    const body = await readBody(request, CreateExternalRunRequest);
    if (!body.ok) return body.response;
    const { team: teamSlugAsked, project: projectSlug, ...rest } = body.body;
    const target = await resolveLaunchTarget(
      services,
      principal,
      { team: teamSlugAsked, project: projectSlug },
      { invalid: "invalid request", noun: "new runs" },
    );
    if (!target.ok) return target.response;
    const { team, project } = target;
    const name = rest.name ?? `${rest.model ?? "external"}-${new Date().toISOString().slice(0, 19).replace("T", "-")}`;
    const run = await services.runs.createExternalRun({
      ...rest,
      name,
      projectId: project.id,
      createdById: principal.userId,
    });
    await services.audit.record({
      teamId: team.id,
      actorUserId: principal.userId,
      actorKeyId: principal.via === "key" ? principal.keyId : null,
      action: "run.track",
      targetType: "run",
      targetId: run.id,
      data: { name: run.name, project: project.slug, host: rest.environment?.host ?? null },
    });
    await publishRunEvent(services.redis, { type: "status", runId: run.id, status: "RUNNING" }).catch(() => undefined);
    const url = new URL(`/t/${team.slug}/p/${project.slug}/runs/${run.id}`, services.url.baseUrl).toString();
    return json({ run, url }, 201);
  },
});

/**
 * Whether the caller may write to this run (its launcher or a team admin, with a key that is not read-only) and
 * the run is external; the answer otherwise.
 */
async function writableExternalRun(
  services: Services,
  principal: UserPrincipal,
  id: string,
): Promise<{ ok: true; status: RunStatus } | { ok: false; response: Response }> {
  const decision = await runPermission(services, principal, id, "modify");
  if (!decision.ok) return { ok: false, response: problem(decision.denial.status, decision.denial.error) };
  const state = await services.runs.getStatus(id);
  if (!state) return { ok: false, response: problem(404, runNotFound({ id })) };
  if (!state.external) return { ok: false, response: notExternal(id) };
  return { ok: true, status: state.status };
}

/**
 * POST /api/v1/runs/:id/points `{ batchId, points }`: stores a batch of an external run's points (1-1000) and
 * pushes them to live viewers. Idempotent: a point is stored once per (run, key, step), so a batch sent again (a
 * retry after a lost answer, a spool synced later) inserts nothing and answers the same 200 with `inserted: 0`.
 * Points are taken for finished runs too (a spool synced after the script ended); only a RUNNING run's heartbeat
 * is refreshed by them.
 */
export const postPoints = defineHandler({
  access: "signed-in",
  params: RunParams,
  notFound: runNotFound,
  async handle({ services, principal, request, params }) {
    const body = await readBody(request, PointBatchRequest);
    if (!body.ok) return body.response;
    const target = await writableExternalRun(services, principal, params.id);
    if (!target.ok) return target.response;
    const { batchId, points } = body.body;
    const inserted = await services.metrics.insertPoints(params.id, points);
    prometheusFor(services).pointsIngested.inc({ source: "client-api" }, inserted);
    await services.runs.touchExternalRun(params.id);
    if (inserted > 0) {
      // Live viewers fold these in; a retried batch (inserted 0) is not pushed again, so a chart never doubles.
      const summaries = new Map<string, MetricSummary>();
      let step = 0;
      for (const p of points) {
        const finite = Number.isNaN(p.value) ? null : p.value;
        summaries.set(
          p.key,
          foldSummary(summaries.get(p.key), {
            key: p.key,
            last: p.value,
            min: finite,
            max: finite,
            step: p.step,
            count: 1,
            wallTime: p.wallTime,
          }),
        );
        step = Math.max(step, p.step);
      }
      await Promise.all([
        publishRunEvent(services.redis, { type: "metrics", runId: params.id, points }),
        publishRunEvent(services.redis, {
          type: "progress",
          runId: params.id,
          step,
          summaries: [...summaries.values()],
        }),
      ]).catch(() => undefined);
    }
    return json({ batchId, received: points.length, inserted });
  },
});

/** POST /api/v1/runs/:id/heartbeat: the script is alive; a run shown CRASHED by its silence is RUNNING again. */
export const postHeartbeat = defineHandler({
  access: "signed-in",
  params: RunParams,
  notFound: runNotFound,
  async handle({ services, principal, params }) {
    const target = await writableExternalRun(services, principal, params.id);
    if (!target.ok) return target.response;
    const beat = await services.runs.recordHeartbeat(params.id);
    if (!beat) return notExternal(params.id);
    if (beat.revived) {
      await publishRunEvent(services.redis, {
        type: "status",
        runId: params.id,
        status: "RUNNING",
        errorReason: null,
      }).catch(() => undefined);
    }
    return json({ status: beat.status });
  },
});

const OUTCOME_STATUS = { succeeded: "SUCCEEDED", failed: "FAILED", cancelled: "CANCELLED" } as const;

/** POST /api/v1/runs/:id/finish `{ outcome, error? }`: ends an external run; 409 when it has already ended. */
export const finishExternalRun = defineHandler({
  access: "signed-in",
  params: RunParams,
  notFound: runNotFound,
  async handle({ services, principal, request, params }) {
    const body = await readBody(request, FinishExternalRunRequest);
    if (!body.ok) return body.response;
    const target = await writableExternalRun(services, principal, params.id);
    if (!target.ok) return target.response;
    const status = OUTCOME_STATUS[body.body.outcome];
    const errorReason = body.body.error ?? null;
    if (!(await services.runs.finishExternalRun(params.id, status, errorReason))) {
      return problem(409, `run ${params.id} has already finished (${target.status})`);
    }
    await publishRunEvent(services.redis, { type: "status", runId: params.id, status, errorReason }).catch(
      () => undefined,
    );
    return json({ run: await services.runService.detail(params.id) });
  },
});

/**
 * POST /api/v1/runs/:id/artifacts?kind=&name=&step= with the bytes as the body: stores (or replaces, by kind and
 * name) an artifact of an external run; 201 with its id, size and sha256. 413 past 5 GiB, streamed into the artifact store.
 */
export const uploadArtifact = defineHandler({
  access: "signed-in",
  params: RunParams,
  notFound: runNotFound,
  async handle({ services, principal, request, params }) {
    const query = readQuery(request, ArtifactUploadQuery);
    if (!query.ok) return query.response;
    const declared = Number(request.headers.get("content-length") ?? "0");
    if (declared > MAX_ARTIFACT_UPLOAD_BYTES) {
      return problem(413, `an artifact is at most ${MAX_ARTIFACT_UPLOAD_BYTES / 1024 ** 3} GiB`);
    }
    const target = await writableExternalRun(services, principal, params.id);
    if (!target.ok) return target.response;
    if (!request.body) return problem(400, "the artifact is empty: send its bytes as the request body");
    // Streamed into the artifact store as it arrives, the limit enforced on the way (a missing or false
    // content-length cannot get more through): the web process never holds the upload.
    let artifact;
    try {
      artifact = await services.artifacts.saveArtifact({
        runId: params.id,
        kind: query.query.kind,
        name: query.query.name,
        source: Readable.fromWeb(request.body as NodeReadableStream<Uint8Array>),
        step: query.query.step ?? null,
        maxBytes: MAX_ARTIFACT_UPLOAD_BYTES,
        refuseEmpty: true,
      });
    } catch (error) {
      if (error instanceof ObjectTooLargeError)
        return problem(413, `an artifact is at most ${MAX_ARTIFACT_UPLOAD_BYTES / 1024 ** 3} GiB`);
      if (error instanceof EmptyArtifactError)
        return problem(400, "the artifact is empty: send its bytes as the request body");
      throw error;
    }
    return json(
      {
        artifact: {
          id: artifact.id,
          kind: artifact.kind,
          name: artifact.name,
          size: artifact.size,
          sha256: artifact.sha256,
        },
      },
      201,
    );
  },
});

/**
 * GET /api/v1/queues: every queue a live worker serves or a run waits in, with how many wait, how many run and how
 * many live workers serve it. Queues are shared by every team (as on the workers page), so counts are global.
 */
export const listQueues = defineHandler({
  access: "signed-in",
  async handle({ services }) {
    return json({ queues: await services.runService.queueOverview() });
  },
});
