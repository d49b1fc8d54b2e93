import {
  fieldIssues,
  LaunchRunRequest,
  type FieldIssue,
  type ResolvedRunConfig,
  type RunDetail,
  type RunSummary,
} from "@seqlab/contracts";
import { getTaskInfo } from "@seqlab/datasets/catalog";
import type { ProjectRepository, RunRepository, WorkerRepository } from "@seqlab/db";
import { getModelDefinition, headMismatch, type HeadKind, type ModelDefinition } from "@seqlab/models/catalog";
import type { TrainingQueue } from "@seqlab/queue";
import type { z } from "zod";

export class LaunchValidationError extends Error {
  constructor(readonly issues: FieldIssue[]) {
    super(`invalid run request: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`);
  }
}

/** Parses catalog params strictly: a misspelt parameter is an error naming it, not a silently used default. */
function parseStrict(
  schema: z.ZodObject,
  raw: unknown,
  prefix: string,
): { ok: true; value: Record<string, unknown> } | { ok: false; issues: FieldIssue[] } {
  const parsed = schema.strict().safeParse(raw);
  return parsed.success
    ? { ok: true, value: parsed.data as Record<string, unknown> }
    : { ok: false, issues: fieldIssues(parsed.error.issues, [prefix]) };
}

/**
 * Validates a launch request completely (request shape, dataset params, model hyperparameters, model/dataset fit)
 * before anything is written, against the light catalogs (no TensorFlow.js in the dashboard).
 */
export function resolveRunConfig(body: unknown): { request: LaunchRunRequest; config: ResolvedRunConfig } {
  const parsed = LaunchRunRequest.safeParse(body);
  if (!parsed.success) throw new LaunchValidationError(fieldIssues(parsed.error.issues));
  const request = parsed.data;
  const issues: FieldIssue[] = [];
  let datasetParams: Record<string, unknown> = {};
  let modelHyperparameters: Record<string, unknown> = {};
  let taskHeads: HeadKind[] = [];
  let model: ModelDefinition | null = null;
  try {
    const task = getTaskInfo(request.dataset);
    const p = parseStrict(task.params, request.datasetParams, "datasetParams");
    if (p.ok) {
      datasetParams = p.value;
      taskHeads = task.specFor(p.value).heads;
    } else issues.push(...p.issues);
  } catch (error) {
    issues.push({ path: "dataset", message: error instanceof Error ? error.message : String(error) });
  }
  try {
    model = getModelDefinition(request.model);
    const h = parseStrict(model.hyperparameters, request.modelHyperparameters, "modelHyperparameters");
    if (h.ok) modelHyperparameters = h.value;
    else issues.push(...h.issues);
  } catch (error) {
    issues.push({ path: "model", message: error instanceof Error ? error.message : String(error) });
  }
  const mismatch = issues.length === 0 && model ? headMismatch(model, request.dataset, taskHeads) : null;
  if (mismatch) issues.push({ path: "model", message: mismatch });
  if (issues.length > 0) throw new LaunchValidationError(issues);
  return {
    request,
    config: {
      model: request.model,
      modelHyperparameters,
      dataset: request.dataset,
      datasetParams,
      training: request.training,
      seed: request.seed,
    },
  };
}

/** The warning shown when no live worker serves a queue: the run is accepted and waits. */
export function unservedQueueWarning(queue: string): string {
  return `no live worker serves queue "${queue}": the run waits until one starts (for example SEQLAB_QUEUES=${queue})`;
}

export class RunService {
  constructor(
    private readonly deps: {
      runs: RunRepository;
      projects: ProjectRepository;
      workers: WorkerRepository;
      queueFor: (queue: string) => TrainingQueue;
    },
  ) {}

  /**
   * Writes and queues a validated run in a project. Nothing is left behind if queuing fails. Warns (but launches)
   * when no live worker serves the run's queue.
   */
  async launch(input: {
    request: LaunchRunRequest;
    config: ResolvedRunConfig;
    projectId: string;
    createdById: string;
  }): Promise<{ run: RunSummary; warnings: string[] }> {
    const { request, config } = input;
    const run = await this.deps.runs.createRun({
      projectId: input.projectId,
      createdById: input.createdById,
      name: request.name ?? `${config.model}-${config.dataset}-${Date.now().toString(36)}`,
      parentRunId: request.parentRunId ?? null,
      config,
      priority: request.priority,
      queueName: request.queue,
    });
    try {
      await this.deps.queueFor(request.queue).enqueueRun(run.id, config, { priority: request.priority });
    } catch (error) {
      await this.deps.runs.deleteRun(run.id);
      throw error;
    }
    const served = await this.deps.workers.isQueueServed(request.queue);
    return { run, warnings: served ? [] : [unservedQueueWarning(request.queue)] };
  }

  /** A run's details with, while it waits, its live queue position (1 = next) and a warning if nobody serves it. */
  async detail(runId: string): Promise<RunDetail | null> {
    const run = await this.deps.runs.getRunDetail(runId);
    if (!run || run.status !== "QUEUED") return run;
    const [order, served] = await Promise.all([
      this.deps.queueFor(run.queueName).waitingOrder(),
      this.deps.workers.isQueueServed(run.queueName),
    ]);
    const index = order.indexOf(runId);
    return {
      ...run,
      queuePosition: index >= 0 ? index + 1 : null,
      queueWarning: served ? null : unservedQueueWarning(run.queueName),
    };
  }

  /**
   * Every queue that a live worker serves or a run waits or trains in: how many runs wait and run there (from the
   * database, which is the truth about runs) and how many live workers serve it.
   */
  async queueOverview(): Promise<{ name: string; waiting: number; running: number; workers: number }[]> {
    const [counts, workers] = await Promise.all([this.deps.runs.queueCounts(), this.deps.workers.listWorkers()]);
    const live = workers.filter((w) => w.state === "idle" || w.state === "busy");
    const names = new Set([...counts.map((c) => c.queue), ...live.flatMap((w) => w.queues)]);
    return [...names].sort().map((name) => {
      const c = counts.find((q) => q.queue === name);
      return {
        name,
        waiting: c?.waiting ?? 0,
        running: c?.running ?? 0,
        workers: live.filter((w) => w.queues.includes(name)).length,
      };
    });
  }

  /** Waiting runs of a queue in the order workers will take them. */
  async waiting(queue: string): Promise<string[]> {
    return this.deps.queueFor(queue).waitingOrder();
  }

  /** Changes a waiting run's priority in the database and in its queue; false once it is no longer waiting. */
  async changePriority(runId: string, priority: number): Promise<boolean> {
    const run = await this.deps.runs.getRunDetail(runId);
    if (!run || run.status !== "QUEUED") return false;
    if (!(await this.deps.runs.setPriority(runId, priority))) return false;
    return this.deps.queueFor(run.queueName).changePriority(runId, priority);
  }

  /** Cancels a queued run at once (and drops its job) or asks a running one to stop. */
  /**
   * Continues a cancelled or failed run from its newest checkpoint as a new attempt. "stopping": its last attempt
   * has not let go of the job yet (a cancel in progress); "not-resumable": not cancelled or failed, or no
   * checkpoint. A run whose job cannot be queued again is failed with the reason, so it is never QUEUED with no job.
   */
  async resume(runId: string): Promise<"queued" | "stopping" | "not-resumable" | "missing"> {
    const run = await this.deps.runs.getRunDetail(runId);
    if (!run) return "missing";
    if (run.config === null || (run.status !== "CANCELLED" && run.status !== "FAILED")) return "not-resumable";
    const config = run.config;
    const queue = this.deps.queueFor(run.queueName);
    // The finished job still holds the run's id in BullMQ (job id = run id): it goes, so the id can be queued again.
    const previous = await queue.queue.getJob(runId);
    if (previous) {
      if ((await previous.getState()) === "active") return "stopping";
      await previous.remove();
    }
    if (!(await this.deps.runs.requeueForResume(runId))) return "not-resumable";
    try {
      await queue.enqueueRun(runId, config, { priority: run.priority });
    } catch (error) {
      await this.deps.runs.failRun(runId, `could not be queued again to resume: ${String(error)}`);
      throw error;
    }
    return "queued";
  }

  async cancel(runId: string): Promise<"cancelled" | "requested" | "finished" | "missing"> {
    const outcome = await this.deps.runs.requestCancel(runId);
    if (outcome === "cancelled") {
      const status = await this.deps.runs.getRunDetail(runId);
      if (status)
        await this.deps
          .queueFor(status.queueName)
          .queue.remove(runId)
          .catch(() => 0);
    }
    return outcome;
  }
}
