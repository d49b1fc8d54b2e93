import type {
  AttemptEndEvent,
  CreateExternalRunRequest,
  ResolvedRunConfig,
  RunAttempt,
  RunDetail,
  RunStatus,
  RunSummary,
} from "@seqlab/contracts";
import {
  AttemptPolicy,
  ExternalRunInfo,
  ResolvedRunConfig as ResolvedRunConfigSchema,
  RunEventData,
  TRAIN_LOSS_KEY,
} from "@seqlab/contracts";
import type { FilterField, FilterNode, RunRow } from "@seqlab/contracts";
import { formatFieldRef } from "@seqlab/contracts";
import { Prisma } from "../generated/prisma/client";
import { compileRunFilter, fieldValueSql, SummaryJoins } from "./run-filter-sql";
import type { Db } from "./types";

export interface CreateRunInput {
  projectId: string;
  /** Who launched it (null for runs from before accounts). */
  createdById?: string | null;
  name: string;
  config: ResolvedRunConfig;
  priority: number;
  queueName: string;
  maxAttempts?: number;
  /** The run this one is a clone of (checked readable by the caller). */
  parentRunId?: string | null;
}

const summarySelect = {
  id: true,
  name: true,
  status: true,
  modelName: true,
  datasetName: true,
  lastStep: true,
  finalLoss: true,
  attempt: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
  tags: true,
  external: true,
  project: { select: { slug: true, team: { select: { slug: true } } } },
  createdBy: { select: { id: true, name: true } },
} satisfies Prisma.RunSelect;

type SummaryRow = Prisma.RunGetPayload<{ select: typeof summarySelect }>;

function toSummary(row: SummaryRow): RunSummary {
  return {
    id: row.id,
    name: row.name,
    project: row.project.slug,
    team: row.project.team.slug,
    createdBy: row.createdBy ? { id: row.createdBy.id, name: row.createdBy.name } : null,
    status: row.status,
    modelName: row.modelName,
    datasetName: row.datasetName,
    lastStep: row.lastStep,
    finalLoss: row.finalLoss,
    attempt: row.attempt,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
    tags: row.tags ?? [],
    external: row.external,
  };
}

/** What creating an external run takes: the SDK's request (validated) and who it is for. */
export type CreateExternalRunInput = Omit<CreateExternalRunRequest, "team" | "project"> & {
  projectId: string;
  createdById: string;
  name: string;
};

/** Rebuilds the attempt history from the supervisor's lifecycle events (attempt-start / attempt-end). */
function attemptsFromEvents(events: { attempt: number; createdAt: Date; data: unknown }[]): RunAttempt[] {
  const byAttempt = new Map<number, RunAttempt>();
  for (const e of events) {
    const parsed = RunEventData.safeParse(e.data);
    if (!parsed.success) continue;
    const data = parsed.data;
    if (data.kind === "attempt-start") {
      byAttempt.set(e.attempt, {
        attempt: e.attempt,
        worker: data.worker,
        backend: data.backend,
        startedAt: e.createdAt.toISOString(),
        endedAt: null,
        outcome: null,
        step: null,
      });
    } else if (data.kind === "attempt-end") {
      const a = byAttempt.get(e.attempt);
      if (a) {
        a.endedAt = e.createdAt.toISOString();
        a.outcome = data.outcome;
        a.step = data.step;
      }
    }
  }
  return [...byAttempt.values()].sort((a, b) => a.attempt - b.attempt);
}

/** The largest step of a run's training loss that is persisted: what "last step" means everywhere. */
async function persistedLastStep(db: Prisma.TransactionClient | Db, runId: string): Promise<number | null> {
  const last = await db.metricPoint.findFirst({
    where: { runId, key: TRAIN_LOSS_KEY },
    orderBy: { step: "desc" },
    select: { step: true },
  });
  return last?.step ?? null;
}

/** Runs: creation, the attempt protocol that makes at-least-once delivery harmless, and DTOs for the API. */
export class RunRepository {
  constructor(private readonly db: Db) {}

  async createRun(input: CreateRunInput): Promise<RunSummary> {
    const row = await this.db.run.create({
      data: {
        projectId: input.projectId,
        createdById: input.createdById ?? null,
        name: input.name,
        modelName: input.config.model,
        datasetName: input.config.dataset,
        config: input.config as unknown as Prisma.InputJsonValue,
        seed: input.config.seed,
        priority: input.priority,
        queueName: input.queueName,
        maxAttempts: input.maxAttempts ?? AttemptPolicy.maxAttempts(input.config.training.maxRestarts),
        parentRunId: input.parentRunId ?? null,
      },
      select: summarySelect,
    });
    return toSummary(row);
  }

  /**
   * A run trained by the user's own script (the SDK's `init`): RUNNING from the start, with no queue and no
   * attempts; its config is stored as the script gave it. The seed column takes the config's `seed` when it is one.
   */
  async createExternalRun(input: CreateExternalRunInput): Promise<RunSummary> {
    const config = (input.config ?? {}) as Record<string, unknown>;
    const seed = config.seed;
    const now = new Date();
    const row = await this.db.run.create({
      data: {
        projectId: input.projectId,
        createdById: input.createdById,
        name: input.name,
        status: "RUNNING",
        external: true,
        modelName: input.model ?? "external",
        datasetName: input.dataset ?? "-",
        config: config as Prisma.InputJsonValue,
        seed: typeof seed === "number" && Number.isInteger(seed) && Math.abs(seed) < 2 ** 31 ? seed : 0,
        queueName: "-",
        maxAttempts: 0,
        tags: [...new Set(input.tags ?? [])].sort(),
        notes: input.notes ?? "",
        ...(input.environment ? { environment: input.environment as unknown as Prisma.InputJsonValue } : {}),
        totalSteps: input.totalSteps ?? null,
        startedAt: now,
        heartbeatAt: now,
      },
      select: summarySelect,
    });
    return toSummary(row);
  }

  /**
   * An external run's sign of life (a heartbeat or a batch of points). A run shown CRASHED by silence is RUNNING
   * again: its script was only cut off for a while. Returns the status afterwards (null: not an external run).
   */
  async recordHeartbeat(runId: string): Promise<{ status: RunStatus; revived: boolean } | null> {
    const revived = await this.db.run.updateMany({
      where: { id: runId, external: true, status: "CRASHED" },
      data: { status: "RUNNING", heartbeatAt: new Date(), finishedAt: null, errorReason: null },
    });
    if (revived.count === 1) return { status: "RUNNING", revived: true };
    await this.db.run.updateMany({
      where: { id: runId, external: true, status: "RUNNING" },
      data: { heartbeatAt: new Date() },
    });
    const row = await this.db.run.findUnique({ where: { id: runId }, select: { status: true, external: true } });
    return row?.external ? { status: row.status, revived: false } : null;
  }

  /**
   * Ends an external run as its script said. False when it had already ended (finish is not repeated; a CRASHED
   * run may still finish, since its script was alive after all).
   */
  async finishExternalRun(
    runId: string,
    status: "SUCCEEDED" | "FAILED" | "CANCELLED",
    errorReason: string | null,
  ): Promise<boolean> {
    const last = await this.db.metricSummary.findUnique({
      where: { runId_key: { runId, key: TRAIN_LOSS_KEY } },
      select: { last: true, lastStep: true },
    });
    const { count } = await this.db.run.updateMany({
      where: { id: runId, external: true, status: { in: ["RUNNING", "CRASHED"] } },
      data: {
        status,
        errorReason,
        finishedAt: new Date(),
        heartbeatAt: new Date(),
        ...(last ? { lastStep: last.lastStep, finalLoss: Number.isFinite(last.last) ? last.last : null } : {}),
      },
    });
    return count === 1;
  }

  /**
   * Marks CRASHED every external run that has been silent since `silentSince`. One conditional UPDATE, so any
   * number of web processes may run it at once: each run is marked by exactly one of them. Returns the runs marked.
   */
  async markSilentExternalRunsCrashed(silentSince: Date): Promise<string[]> {
    const rows = await this.db.$queryRaw<{ id: string }[]>`
      UPDATE "Run" SET status = 'CRASHED', "finishedAt" = now(), "updatedAt" = now(),
             "errorReason" = 'its script stopped sending points and heartbeats'
      WHERE external AND status = 'RUNNING' AND "heartbeatAt" < ${silentSince}
      RETURNING id`;
    return rows.map((r) => r.id);
  }

  /**
   * After a batch of an external run's points: its runs-table columns (last step, latest train/loss) follow its
   * summaries, as a worker's progress reports do for worker runs, and a RUNNING run's heartbeat is refreshed (a
   * batch is a sign of life; a CRASHED run is revived only by a heartbeat, so a spool synced later never makes a
   * dead script look alive). One statement.
   */
  async touchExternalRun(runId: string): Promise<void> {
    await this.db.$executeRaw`
      UPDATE "Run" r SET
        "heartbeatAt" = CASE WHEN r.status = 'RUNNING' THEN now() ELSE r."heartbeatAt" END,
        "lastStep" = COALESCE(s."lastStep", r."lastStep"),
        "finalLoss" = CASE WHEN s.last IS NULL OR s.last IN ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8)
                           THEN r."finalLoss" ELSE s.last END
      FROM (SELECT ${runId}::text AS "runId") k
      LEFT JOIN "MetricSummary" s ON s."runId" = k."runId" AND s.key = ${TRAIN_LOSS_KEY}
      WHERE r.id = k."runId" AND r.external`;
  }

  /** Per queue: runs waiting and running in it (worker runs only; external runs have no queue). */
  async queueCounts(): Promise<{ queue: string; waiting: number; running: number }[]> {
    const rows = await this.db.$queryRaw<{ queue: string; waiting: bigint; running: bigint }[]>`
      SELECT "queueName" AS queue,
             count(*) FILTER (WHERE status = 'QUEUED') AS waiting,
             count(*) FILTER (WHERE status = 'RUNNING') AS running
      FROM "Run" WHERE NOT external AND status IN ('QUEUED', 'RUNNING')
      GROUP BY "queueName" ORDER BY "queueName"`;
    return rows.map((r) => ({ queue: r.queue, waiting: Number(r.waiting), running: Number(r.running) }));
  }

  /** Deletes a run that could not be queued, so a failed launch leaves nothing behind. */
  async deleteRun(runId: string): Promise<void> {
    await this.db.run.delete({ where: { id: runId } });
  }

  /** The newest runs of the given teams (narrowed to one team or project by slug): the table's default view. */
  async listRuns(options: {
    teamIds: string[];
    teamSlug?: string;
    projectSlug?: string;
    limit?: number;
  }): Promise<RunSummary[]> {
    return (await this.queryRuns({ ...options, filter: null, sort: [], columns: [] })).rows;
  }

  /**
   * The runs table: the runs of the given teams that pass `filter`, sorted by any field (then newest first), a page
   * at a time, with the value of each requested column (config keys, summary metrics) and the total that match.
   * One SQL statement with the joins; the filter and the fields compile to parameterised SQL (run-filter-sql.ts),
   * summary metrics come from MetricSummary (never from the points).
   */
  async queryRuns(options: {
    teamIds: string[];
    teamSlug?: string;
    projectSlug?: string;
    filter: FilterNode | null;
    sort: readonly { field: FilterField; desc: boolean }[];
    columns: readonly FilterField[];
    limit?: number;
    offset?: number;
  }): Promise<{ total: number; rows: RunRow[] }> {
    if (options.teamIds.length === 0) return { total: 0, rows: [] };
    // The matching runs are found (with their sort keys; summary metrics joined once per key) and counted in one
    // pass, the page is a top-N sort of those, and the columns are computed for the page's rows only: computing every column of every matching run before
    // the LIMIT cost more than the rest together over 10,000 runs (bench/runs-table-figures.ts).
    const matchJoins = new SummaryJoins();
    const where = options.filter ? compileRunFilter(options.filter, matchJoins) : Prisma.sql`TRUE`;
    const sortKeys = options.sort.map(
      ({ field }, i) => Prisma.sql`${fieldValueSql(field, matchJoins)} AS ${Prisma.raw(`"k${i}"`)}`,
    );
    const order = [
      ...options.sort.map(({ desc }, i) => Prisma.raw(`"k${i}" ${desc ? "DESC" : "ASC"} NULLS LAST`)),
      Prisma.sql`"createdAt" DESC`,
      Prisma.sql`id DESC`,
    ];
    const pageJoins = new SummaryJoins();
    const columns = options.columns.map(
      (field, i) => Prisma.sql`${fieldValueSql(field, pageJoins)} AS ${Prisma.raw(`"c${i}"`)}`,
    );
    const rows = await this.db.$queryRaw<
      (Omit<SummaryRow, "project" | "createdBy" | "tags"> & {
        tags: string[] | null;
        projectSlug: string;
        teamSlug: string;
        creatorId: string | null;
        creatorName: string | null;
        total: bigint;
        [column: `c${number}`]: unknown;
      })[]
    >`
      WITH matching AS MATERIALIZED (
        SELECT r.id, r."createdAt" ${sortKeys.length ? Prisma.sql`, ${Prisma.join(sortKeys)}` : Prisma.empty}
        ${this.tableScope(options, where, matchJoins.joins())}
      ),
      page AS MATERIALIZED (
        SELECT id, row_number() OVER () AS ord FROM (
          SELECT id FROM matching ORDER BY ${Prisma.join(order)} LIMIT ${options.limit ?? 200} OFFSET ${options.offset ?? 0}
        ) sorted
      )
      SELECT r.id, r.name, r.status::text AS status, r."modelName", r."datasetName", r."lastStep", r."finalLoss",
             r.attempt, r."createdAt", r."startedAt", r."finishedAt", r.tags, r.external,
             p.slug AS "projectSlug", t.slug AS "teamSlug", u.id AS "creatorId", u.name AS "creatorName",
             (SELECT count(*) FROM matching) AS total
             ${columns.length ? Prisma.sql`, ${Prisma.join(columns)}` : Prisma.empty}
      FROM page
      JOIN "Run" r ON r.id = page.id
      JOIN "Project" p ON p.id = r."projectId"
      JOIN "Team" t ON t.id = p."teamId"
      LEFT JOIN "User" u ON u.id = r."createdById"
      ${pageJoins.joins()}
      ORDER BY page.ord`;
    // A page past the end has no row to carry the count: count on its own then (rare: a stale scroll position).
    const total =
      rows.length > 0
        ? Number(rows[0]!.total)
        : (options.offset ?? 0) === 0
          ? 0
          : Number(
              (
                await this.db.$queryRaw<
                  { n: bigint }[]
                >`SELECT count(*) AS n ${this.tableScope(options, where, matchJoins.joins())}`
              )[0]?.n ?? 0,
            );
    return {
      total,
      rows: rows.map(({ projectSlug, teamSlug, creatorId, creatorName, tags, total: _total, ...row }) => {
        const values: Record<string, unknown> = {};
        options.columns.forEach((field, i) => {
          values[formatFieldRef(field)] = (row as Record<string, unknown>)[`c${i}`] ?? null;
        });
        return {
          ...toSummary({
            ...row,
            tags: tags ?? [],
            project: { slug: projectSlug, team: { slug: teamSlug } },
            createdBy: creatorId === null ? null : { id: creatorId, name: creatorName ?? "" },
          }),
          values,
        };
      }),
    };
  }

  /** `FROM ... WHERE ...` of the runs table: the caller's teams, the team and project asked for, the filter. */
  private tableScope(
    options: { teamIds: string[]; teamSlug?: string; projectSlug?: string },
    where: Prisma.Sql,
    joins: Prisma.Sql,
  ) {
    return Prisma.sql`
      FROM "Run" r
      JOIN "Project" p ON p.id = r."projectId"
      JOIN "Team" t ON t.id = p."teamId"
      LEFT JOIN "User" u ON u.id = r."createdById"
      ${joins}
      WHERE p."teamId" = ANY(${options.teamIds}::text[])
        AND (${options.teamSlug ?? null}::text IS NULL OR t.slug = ${options.teamSlug ?? null})
        AND (${options.projectSlug ?? null}::text IS NULL OR p.slug = ${options.projectSlug ?? null})
        AND (${where})`;
  }

  /** Config keys used by runs of these teams (the column picker's and the filter builder's choices). */
  async configKeys(teamIds: string[], projectSlug?: string): Promise<string[]> {
    if (teamIds.length === 0) return [];
    // Leaf paths of the newest 500 runs' configs: enough to list every key a project uses.
    const rows = await this.db.$queryRaw<{ path: string }[]>`
      WITH RECURSIVE recent AS (
        SELECT r.config FROM "Run" r JOIN "Project" p ON p.id = r."projectId"
        WHERE p."teamId" = ANY(${teamIds}::text[]) AND (${projectSlug ?? null}::text IS NULL OR p.slug = ${projectSlug ?? null})
        ORDER BY r."createdAt" DESC LIMIT 500
      ), walk(path, value) AS (
        SELECT ARRAY[e.key], e.value FROM recent, jsonb_each(recent.config) e
        UNION ALL
        SELECT w.path || e.key, e.value FROM walk w, jsonb_each(w.value) e WHERE jsonb_typeof(w.value) = 'object'
      )
      SELECT DISTINCT array_to_string(path, '.') AS path FROM walk WHERE jsonb_typeof(value) <> 'object' ORDER BY 1`;
    return rows.map((r) => r.path);
  }

  /** Edits what a user may change about a run: its name, tags and notes. False when the run does not exist. */
  async editRun(runId: string, edit: { name?: string; tags?: string[]; notes?: string }): Promise<boolean> {
    const updated = await this.db.run.updateMany({ where: { id: runId }, data: edit });
    return updated.count === 1;
  }

  /** Adds or removes tags on several runs in one statement (the runs table's bulk action). */
  async retagRuns(runIds: readonly string[], change: { add?: readonly string[]; remove?: readonly string[] }) {
    if (runIds.length === 0) return 0;
    return this.db.$executeRaw`
      UPDATE "Run" SET tags = ARRAY(
        SELECT DISTINCT tag FROM unnest(coalesce(tags, ARRAY[]::text[]) || ${[...(change.add ?? [])]}::text[]) AS tag
        WHERE NOT (tag = ANY(${[...(change.remove ?? [])]}::text[])) ORDER BY tag
      ), "updatedAt" = now()
      WHERE id = ANY(${[...runIds]}::text[])`;
  }

  /** What access checks need about a run: its team, project and who launched it; null when it does not exist. */
  async runOwnership(runId: string): Promise<{ teamId: string; projectId: string; createdById: string | null } | null> {
    const row = await this.db.run.findUnique({
      where: { id: runId },
      select: { projectId: true, createdById: true, project: { select: { teamId: true } } },
    });
    return row ? { teamId: row.project.teamId, projectId: row.projectId, createdById: row.createdById } : null;
  }

  async getRunDetail(runId: string): Promise<RunDetail | null> {
    const row = await this.db.run.findUnique({
      where: { id: runId },
      select: {
        ...summarySelect,
        notes: true,
        config: true,
        environment: true,
        heartbeatAt: true,
        totalSteps: true,
        seed: true,
        priority: true,
        queueName: true,
        maxAttempts: true,
        errorReason: true,
        backend: true,
        device: true,
        parent: { select: { id: true, name: true } },
        sweepId: true,
        trialNumber: true,
        rung: true,
        artifacts: {
          select: { id: true, kind: true, name: true, size: true, sha256: true, step: true, createdAt: true },
          orderBy: { createdAt: "asc" },
        },
        events: {
          select: { id: true, level: true, message: true, attempt: true, createdAt: true, data: true },
          orderBy: { id: "asc" },
          take: 2000,
        },
      },
    });
    if (!row) return null;
    return {
      ...toSummary(row),
      notes: row.notes,
      // A sweep trial the catalog refused keeps the request it was refused for: no config to train from.
      config: row.external ? null : (ResolvedRunConfigSchema.safeParse(row.config).data ?? null),
      sweep: row.sweepId !== null ? { id: row.sweepId, trialNumber: row.trialNumber ?? 0, rung: row.rung ?? 0 } : null,
      externalInfo: row.external
        ? ExternalRunInfo.parse({
            config: row.config ?? {},
            environment: row.environment ?? null,
            heartbeatAt: row.heartbeatAt?.toISOString() ?? null,
            totalSteps: row.totalSteps,
          })
        : null,
      seed: row.seed,
      priority: row.priority,
      queueName: row.queueName,
      maxAttempts: row.maxAttempts,
      errorReason: row.errorReason,
      backend: row.backend,
      device: row.device,
      parent: row.parent,
      artifacts: row.artifacts.map((a) => ({ ...a, createdAt: a.createdAt.toISOString() })),
      events: row.events.map((e) => ({
        id: e.id.toString(),
        level: e.level,
        message: e.message,
        attempt: e.attempt,
        createdAt: e.createdAt.toISOString(),
      })),
      attempts: attemptsFromEvents(row.events),
      queuePosition: null,
      queueWarning: null,
    };
  }

  async getStatus(
    runId: string,
  ): Promise<{ status: RunStatus; attempt: number; cancelRequested: boolean; external: boolean } | null> {
    return this.db.run.findUnique({
      where: { id: runId },
      select: { status: true, attempt: true, cancelRequested: true, external: true },
    });
  }

  /**
   * Claims the run for a new attempt. Returns null when the run is finished or cancelled, when another attempt won
   * the race, or when the restart limit is reached (the run is then failed here, so it never stays RUNNING with
   * nobody training it). The conditional update makes two workers racing for one run safe: only one gets its number.
   *
   * An earlier attempt that never ended (its worker died or was cut off) is closed here as "lost", at the last
   * persisted step, and its worker no longer shows the run as its current one.
   */
  async startAttempt(
    runId: string,
    info: { workerId?: string | null; backend: string; device: string },
  ): Promise<{ attempt: number } | null> {
    const run = await this.db.run.findUnique({
      where: { id: runId },
      select: { status: true, attempt: true, maxAttempts: true, errorReason: true, workerId: true },
    });
    if (!run || (run.status !== "QUEUED" && run.status !== "RUNNING")) return null;
    if (!AttemptPolicy.mayStartAnother(run.attempt, run.maxAttempts)) {
      await this.db.$transaction(async (tx) => {
        const { count } = await tx.run.updateMany({
          where: { id: runId, attempt: run.attempt, status: { in: ["QUEUED", "RUNNING"] } },
          data: {
            status: "FAILED",
            finishedAt: new Date(),
            workerId: null,
            errorReason: `restart limit reached: ${run.attempt} attempts${run.errorReason ? ` (last: ${run.errorReason})` : ""}`,
          },
        });
        if (count === 1) await this.closeLostAttempt(tx, runId, run.attempt, run.workerId);
      });
      return null;
    }
    const next = run.attempt + 1;
    return this.db.$transaction(async (tx) => {
      const { count } = await tx.run.updateMany({
        where: { id: runId, attempt: run.attempt, status: { in: ["QUEUED", "RUNNING"] } },
        data: {
          attempt: next,
          status: "RUNNING",
          backend: info.backend,
          device: info.device,
          workerId: info.workerId ?? null,
          startedAt: run.attempt === 0 ? new Date() : undefined,
        },
      });
      if (count !== 1) return null;
      if (run.attempt > 0) await this.closeLostAttempt(tx, runId, run.attempt, run.workerId);
      return { attempt: next };
    });
  }

  /**
   * Writes attempt `attempt`'s end as "lost" unless it has an end already, and clears its worker's current run. Runs
   * inside the transaction that took the run over, so only the winner of a takeover race writes it.
   */
  private async closeLostAttempt(
    tx: Prisma.TransactionClient,
    runId: string,
    attempt: number,
    workerId: string | null,
  ): Promise<void> {
    const ended = await tx.runEvent.findFirst({
      where: { runId, attempt, data: { path: ["kind"], equals: "attempt-end" } },
      select: { id: true },
    });
    if (!ended) {
      const step = await persistedLastStep(tx, runId);
      const data: AttemptEndEvent = { kind: "attempt-end", outcome: "lost", step };
      await tx.runEvent.create({
        data: {
          runId,
          attempt,
          level: "warn",
          message: `attempt ${attempt} lost: its worker${workerId ? ` ${workerId}` : ""} stopped reporting at step ${step ?? 0}; another attempt takes the run over`,
          data,
        },
      });
    }
    if (workerId)
      await tx.worker.updateMany({ where: { id: workerId, currentRunId: runId }, data: { currentRunId: null } });
  }

  /** Notes why an attempt crashed (shown until the next attempt ends), without ending the run. */
  async recordCrash(runId: string, attempt: number, reason: string): Promise<void> {
    await this.db.run.updateMany({
      where: { id: runId, attempt, status: "RUNNING" },
      data: { errorReason: reason, workerId: null, lastStep: await persistedLastStep(this.db, runId) },
    });
  }

  /**
   * Puts a running run back in the queue after a graceful hand-over (worker shutting down). A hand-over is not a
   * crash, so it gives back the attempt it used: the restart limit counts failures only.
   */
  async handBack(runId: string, attempt: number): Promise<boolean> {
    const { count } = await this.db.run.updateMany({
      where: { id: runId, attempt, status: "RUNNING" },
      data: {
        status: "QUEUED",
        workerId: null,
        maxAttempts: { increment: AttemptPolicy.refundedByHandBack },
        // The series is what the next attempt continues from; lastStep must say the same.
        lastStep: await persistedLastStep(this.db, runId),
      },
    });
    return count === 1;
  }

  /** Changes a waiting run's priority; false when it is no longer waiting. */
  async setPriority(runId: string, priority: number): Promise<boolean> {
    const { count } = await this.db.run.updateMany({ where: { id: runId, status: "QUEUED" }, data: { priority } });
    return count === 1;
  }

  /** Records the latest step and loss for the runs list; ignored if another attempt now owns the run. */
  async recordProgress(runId: string, attempt: number, lastStep: number, loss: number | null): Promise<void> {
    await this.db.run.updateMany({
      where: { id: runId, attempt, status: "RUNNING" },
      data: { lastStep, finalLoss: loss !== null && Number.isFinite(loss) ? loss : undefined },
    });
  }

  /** Ends an attempt with a terminal status; returns false if the attempt no longer owns the run. */
  /**
   * Ends the attempt with `status`, if it still owns the run; returns the status written, or null when another
   * attempt owns it. A sweep trial told to pause at its end (a rung below its ladder's top) that succeeds is PAUSED,
   * its checkpoint kept for the promotion that may resume it.
   */
  async finishAttempt(
    runId: string,
    attempt: number,
    status: Exclude<RunStatus, "QUEUED" | "RUNNING" | "PAUSED">,
    details: { errorReason?: string | null; finalLoss?: number | null; lastStep?: number | null } = {},
  ): Promise<RunStatus | null> {
    const data = {
      errorReason: details.errorReason ?? null,
      finalLoss:
        details.finalLoss !== undefined && details.finalLoss !== null && Number.isFinite(details.finalLoss)
          ? details.finalLoss
          : undefined,
      lastStep: details.lastStep ?? undefined,
      workerId: null,
    };
    if (status === "SUCCEEDED") {
      const paused = await this.db.run.updateMany({
        where: { id: runId, attempt, status: "RUNNING", pauseAtEnd: true },
        data: { ...data, status: "PAUSED" },
      });
      if (paused.count === 1) return "PAUSED";
    }
    const { count } = await this.db.run.updateMany({
      where: { id: runId, attempt, status: "RUNNING" },
      data: { ...data, status, finishedAt: new Date() },
    });
    return count === 1 ? status : null;
  }

  /**
   * Asks a run to stop. A queued run is cancelled at once (returns "cancelled"); a running one is flagged and
   * its worker stops within a cancel poll (returns "requested"); a finished one is left alone ("finished").
   */
  async requestCancel(runId: string): Promise<"cancelled" | "requested" | "finished" | "missing"> {
    const queued = await this.db.run.updateMany({
      where: { id: runId, status: "QUEUED", external: false },
      data: { status: "CANCELLED", cancelRequested: true, finishedAt: new Date() },
    });
    if (queued.count === 1) return "cancelled";
    const running = await this.db.run.updateMany({
      where: { id: runId, status: "RUNNING", external: false },
      data: { cancelRequested: true },
    });
    if (running.count === 1) return "requested";
    const exists = await this.db.run.count({ where: { id: runId } });
    return exists ? "finished" : "missing";
  }

  /**
   * Puts a cancelled or failed run that has a checkpoint back in the queue: its next attempt resumes from the
   * newest checkpoint, with a fresh restart budget. Returns false (and changes nothing) when the run is not in such
   * a state or has no checkpoint.
   */
  async requeueForResume(runId: string): Promise<boolean> {
    return this.db.$transaction(async (tx) => {
      const run = await tx.run.findUnique({
        where: { id: runId },
        select: { status: true, attempt: true, config: true, external: true },
      });
      if (!run || run.external || (run.status !== "CANCELLED" && run.status !== "FAILED")) return false;
      const checkpoints = await tx.artifact.count({ where: { runId, kind: "checkpoint" } });
      if (checkpoints === 0) return false;
      const { maxRestarts } = ResolvedRunConfigSchema.parse(run.config).training;
      const { count } = await tx.run.updateMany({
        where: { id: runId, status: run.status, attempt: run.attempt },
        data: {
          status: "QUEUED",
          cancelRequested: false,
          finishedAt: null,
          errorReason: null,
          workerId: null,
          maxAttempts: run.attempt + AttemptPolicy.maxAttempts(maxRestarts),
        },
      });
      return count === 1;
    });
  }

  /** Fails a run outright (a payload that cannot be trained), whatever attempt it is on. */
  async failRun(runId: string, errorReason: string): Promise<void> {
    await this.db.run.updateMany({
      where: { id: runId, status: { in: ["QUEUED", "RUNNING"] } },
      data: { status: "FAILED", errorReason, finishedAt: new Date(), workerId: null },
    });
  }
}
