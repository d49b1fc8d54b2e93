import { AttemptPolicy, type ResolvedRunConfig, type RunStatus, type SweepStatus } from "@seqlab/contracts";
import type { Prisma } from "../generated/prisma/client";
import type { Db } from "./types";

/** A sweep's row as the controller and the views read it. */
export interface SweepRow {
  id: string;
  projectId: string;
  teamId: string;
  team: string;
  project: string;
  createdById: string | null;
  name: string;
  status: SweepStatus;
  definition: unknown;
  sourceRunId: string | null;
  trialsCreated: number;
  createdAt: Date;
  finishedAt: Date | null;
}

/** One trial: the run and its place in the sweep. */
export interface TrialRow {
  runId: string;
  name: string;
  trialNumber: number;
  bracket: number;
  rung: number;
  status: RunStatus;
  pauseAtEnd: boolean;
  lastStep: number | null;
  queueName: string;
  priority: number;
  config: unknown;
}

/** A trial's sweep metric at the end of a rung. */
export interface SweepResultRow {
  trialNumber: number;
  rung: number;
  value: number | null;
  stepsSpent: number;
  recordedAt: Date;
}

const sweepSelect = {
  id: true,
  projectId: true,
  createdById: true,
  name: true,
  status: true,
  definition: true,
  sourceRunId: true,
  trialsCreated: true,
  createdAt: true,
  finishedAt: true,
  project: { select: { slug: true, teamId: true, team: { select: { slug: true } } } },
} satisfies Prisma.SweepSelect;

function toSweepRow(row: Prisma.SweepGetPayload<{ select: typeof sweepSelect }>): SweepRow {
  const { project, ...rest } = row;
  return { ...rest, teamId: project.teamId, team: project.team.slug, project: project.slug };
}

const trialSelect = {
  id: true,
  name: true,
  trialNumber: true,
  bracket: true,
  rung: true,
  status: true,
  pauseAtEnd: true,
  lastStep: true,
  queueName: true,
  priority: true,
  config: true,
} satisfies Prisma.RunSelect;

function toTrialRow(row: Prisma.RunGetPayload<{ select: typeof trialSelect }>): TrialRow {
  return {
    runId: row.id,
    name: row.name,
    trialNumber: row.trialNumber ?? 0,
    bracket: row.bracket ?? 0,
    rung: row.rung ?? 0,
    status: row.status,
    pauseAtEnd: row.pauseAtEnd,
    lastStep: row.lastStep,
    queueName: row.queueName,
    priority: row.priority,
    config: row.config,
  };
}

/** A new trial's run. */
export interface NewTrial {
  trialNumber: number;
  bracket: number;
  /** Rung index it trains to (0 for a new trial) and whether it pauses there. */
  rung: number;
  pauseAtEnd: boolean;
  name: string;
  config: ResolvedRunConfig;
  queueName: string;
  priority: number;
}

/**
 * What the controller may do to a sweep while it holds the sweep's row lock: every method runs in that
 * transaction, so a decision and its writes commit together or not at all.
 */
export class LockedSweep {
  constructor(
    private readonly tx: Prisma.TransactionClient,
    readonly sweep: SweepRow,
  ) {}

  async trials(): Promise<TrialRow[]> {
    const rows = await this.tx.run.findMany({
      where: { sweepId: this.sweep.id },
      select: trialSelect,
      orderBy: { trialNumber: "asc" },
    });
    return rows.map(toTrialRow);
  }

  async results(): Promise<SweepResultRow[]> {
    return this.tx.sweepResult.findMany({
      where: { sweepId: this.sweep.id },
      select: { trialNumber: true, rung: true, value: true, stepsSpent: true, recordedAt: true },
      orderBy: [{ recordedAt: "asc" }, { trialNumber: "asc" }],
    });
  }

  /** Records a trial's metric at a rung once (a second report of the same rung is ignored). */
  async recordResult(trialNumber: number, rung: number, value: number | null, stepsSpent: number): Promise<void> {
    await this.tx.sweepResult.createMany({
      data: [{ sweepId: this.sweep.id, trialNumber, rung, value, stepsSpent }],
      skipDuplicates: true,
    });
  }

  /** Creates a trial's run, QUEUED; (sweep, trial number) is unique, so a trial can never be created twice. */
  async createTrial(trial: NewTrial): Promise<string> {
    const row = await this.tx.run.create({
      data: {
        projectId: this.sweep.projectId,
        createdById: this.sweep.createdById,
        name: trial.name,
        modelName: trial.config.model,
        datasetName: trial.config.dataset,
        config: trial.config as unknown as Prisma.InputJsonValue,
        seed: trial.config.seed,
        priority: trial.priority,
        queueName: trial.queueName,
        maxAttempts: AttemptPolicy.maxAttempts(trial.config.training.maxRestarts),
        parentRunId: this.sweep.sourceRunId,
        sweepId: this.sweep.id,
        trialNumber: trial.trialNumber,
        bracket: trial.bracket,
        rung: trial.rung,
        pauseAtEnd: trial.pauseAtEnd,
      },
      select: { id: true },
    });
    await this.tx.sweep.update({
      where: { id: this.sweep.id },
      data: { trialsCreated: { increment: 1 } },
    });
    return row.id;
  }

  /**
   * Records a trial the catalog refused (its sampled values do not fit the model or dataset): a FAILED run with
   * the reason, so the trial counts, is shown, and is never tried again.
   */
  async createFailedTrial(
    trial: Omit<NewTrial, "config" | "pauseAtEnd"> & {
      model: string;
      dataset: string;
      seed: number;
      errorReason: string;
      /** The launch request the catalog refused, kept as the run's config for the record. */
      request: unknown;
    },
  ): Promise<string> {
    const now = new Date();
    const row = await this.tx.run.create({
      data: {
        projectId: this.sweep.projectId,
        createdById: this.sweep.createdById,
        name: trial.name,
        status: "FAILED",
        errorReason: trial.errorReason,
        modelName: trial.model,
        datasetName: trial.dataset,
        config: trial.request as Prisma.InputJsonValue,
        seed: trial.seed,
        priority: trial.priority,
        queueName: trial.queueName,
        parentRunId: this.sweep.sourceRunId,
        sweepId: this.sweep.id,
        trialNumber: trial.trialNumber,
        bracket: trial.bracket,
        rung: trial.rung,
        finishedAt: now,
      },
      select: { id: true },
    });
    await this.tx.sweep.update({ where: { id: this.sweep.id }, data: { trialsCreated: { increment: 1 } } });
    return row.id;
  }

  /**
   * Promotes a PAUSED trial at `fromRung`: its steps become the next rung's, it is QUEUED again with a fresh restart
   * budget, and it resumes from the checkpoint it paused with. Conditional on the trial still being PAUSED at
   * that rung, so a promotion decided twice happens once. Returns whether it did.
   */
  async promoteTrial(
    runId: string,
    fromRung: number,
    config: ResolvedRunConfig,
    pauseAtEnd: boolean,
  ): Promise<boolean> {
    const run = await this.tx.run.findUnique({ where: { id: runId }, select: { attempt: true } });
    if (!run) return false;
    const { count } = await this.tx.run.updateMany({
      where: { id: runId, sweepId: this.sweep.id, status: "PAUSED", rung: fromRung },
      data: {
        status: "QUEUED",
        rung: fromRung + 1,
        pauseAtEnd,
        config: config as unknown as Prisma.InputJsonValue,
        workerId: null,
        errorReason: null,
        maxAttempts: run.attempt + AttemptPolicy.maxAttempts(config.training.maxRestarts),
      },
    });
    return count === 1;
  }

  async setStatus(status: SweepStatus): Promise<void> {
    await this.tx.sweep.update({
      where: { id: this.sweep.id },
      data: { status, finishedAt: status === "COMPLETED" || status === "CANCELLED" ? new Date() : null },
    });
  }
}

/** Sweeps, their trials and results. */
export class SweepRepository {
  constructor(private readonly db: Db) {}

  async createSweep(input: {
    projectId: string;
    createdById: string | null;
    name: string;
    definition: unknown;
    sourceRunId: string | null;
  }): Promise<SweepRow> {
    const row = await this.db.sweep.create({
      data: {
        projectId: input.projectId,
        createdById: input.createdById,
        name: input.name,
        definition: input.definition as Prisma.InputJsonValue,
        sourceRunId: input.sourceRunId,
      },
      select: sweepSelect,
    });
    return toSweepRow(row);
  }

  async findSweep(id: string): Promise<SweepRow | null> {
    const row = await this.db.sweep.findUnique({ where: { id }, select: sweepSelect });
    return row ? toSweepRow(row) : null;
  }

  /** A project's sweeps, newest first. */
  async listSweeps(projectId: string, limit = 200): Promise<SweepRow[]> {
    const rows = await this.db.sweep.findMany({
      where: { projectId },
      select: sweepSelect,
      orderBy: { createdAt: "desc" },
      take: limit,
    });
    return rows.map(toSweepRow);
  }

  async trialsOf(sweepId: string): Promise<TrialRow[]> {
    const rows = await this.db.run.findMany({
      where: { sweepId },
      select: trialSelect,
      orderBy: { trialNumber: "asc" },
    });
    return rows.map(toTrialRow);
  }

  async resultsOf(sweepId: string): Promise<SweepResultRow[]> {
    return this.db.sweepResult.findMany({
      where: { sweepId },
      select: { trialNumber: true, rung: true, value: true, stepsSpent: true, recordedAt: true },
      orderBy: [{ recordedAt: "asc" }, { trialNumber: "asc" }],
    });
  }

  /** Sweeps the tick advances: the RUNNING ones (a paused sweep hears its trials through their reports alone). */
  async activeSweepIds(): Promise<string[]> {
    const rows = await this.db.sweep.findMany({ where: { status: "RUNNING" }, select: { id: true } });
    return rows.map((r) => r.id);
  }

  /** Changes a sweep's status when it is in one of `from`; returns whether it did. */
  async transition(id: string, from: readonly SweepStatus[], to: SweepStatus): Promise<boolean> {
    const { count } = await this.db.sweep.updateMany({
      where: { id, status: { in: [...from] } },
      data: { status: to, finishedAt: to === "COMPLETED" || to === "CANCELLED" ? new Date() : null },
    });
    return count === 1;
  }

  /**
   * Runs `decide` in one transaction holding the sweep's row lock (SELECT ... FOR UPDATE): two controllers (two web
   * replicas, or a retried job) deciding for one sweep take turns, each seeing what the other committed. Null when
   * the sweep does not exist.
   */
  async withSweepLocked<T>(id: string, decide: (locked: LockedSweep) => Promise<T>): Promise<T | null> {
    return this.db.$transaction(
      async (tx) => {
        const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Sweep" WHERE id = ${id} FOR UPDATE`;
        if (locked.length === 0) return null;
        const row = await tx.sweep.findUniqueOrThrow({ where: { id }, select: sweepSelect });
        return decide(new LockedSweep(tx, toSweepRow(row)));
      },
      // A decision reads a few dozen rows and writes a few; 30 s is for a database under heavy load, not the norm.
      { timeout: 30_000, maxWait: 30_000 },
    );
  }

  /** The sweep a run is a trial of, or null. */
  async sweepOfRun(runId: string): Promise<string | null> {
    const row = await this.db.run.findUnique({ where: { id: runId }, select: { sweepId: true } });
    return row?.sweepId ?? null;
  }

  /**
   * The value of `key` at the last step at or before `step` (a rung's end): what the scheduler ranks the trial by.
   * Null when the run logged none.
   */
  async metricAt(runId: string, key: string, step: number): Promise<number | null> {
    const row = await this.db.metricPoint.findFirst({
      where: { runId, key, step: { lte: step } },
      orderBy: { step: "desc" },
      select: { value: true },
    });
    return row?.value ?? null;
  }
}
