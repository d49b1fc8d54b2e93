import { LaunchRunRequest, type ResolvedRunConfig, type RunDetail, type RunSummary } from "@seqlab/contracts";
import { getTask } from "@seqlab/datasets";
import { getModelDefinition, headMismatch, type HeadKind, type ModelDefinition } from "@seqlab/models";
import type { ProjectRepository, RunRepository } from "@seqlab/db";
import type { TrainingQueue } from "@seqlab/queue";

/** One invalid field of a launch request, by its path in the request body. */
export interface FieldIssue {
  path: string;
  message: string;
}

export class LaunchValidationError extends Error {
  constructor(readonly issues: FieldIssue[]) {
    super(`invalid run request: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`);
  }
}

function issuesOf(prefix: string, issues: readonly { path: readonly PropertyKey[]; message: string }[]): FieldIssue[] {
  return issues.map((i) => ({ path: [prefix, ...i.path.map(String)].filter(Boolean).join("."), message: i.message }));
}

/**
 * Validates a launch request completely (request shape, dataset params, model hyperparameters, model/dataset fit)
 * before anything is written, then writes the run and queues its job. Nothing is left behind if queuing fails.
 */
export function resolveRunConfig(body: unknown): { request: LaunchRunRequest; config: ResolvedRunConfig } {
  const parsed = LaunchRunRequest.safeParse(body);
  if (!parsed.success) throw new LaunchValidationError(issuesOf("", parsed.error.issues));
  const request = parsed.data;
  const issues: FieldIssue[] = [];
  let datasetParams: Record<string, unknown> = {};
  let modelHyperparameters: Record<string, unknown> = {};
  let taskHeads: HeadKind[] = [];
  let model: ModelDefinition | null = null;
  try {
    const task = getTask(request.dataset);
    const p = task.params.safeParse(request.datasetParams);
    if (p.success) {
      datasetParams = p.data as Record<string, unknown>;
      taskHeads = task.specFor(p.data).heads;
    } else issues.push(...issuesOf("datasetParams", p.error.issues));
  } catch (error) {
    issues.push({ path: "dataset", message: error instanceof Error ? error.message : String(error) });
  }
  try {
    model = getModelDefinition(request.model);
    const h = model.hyperparameters.safeParse(request.modelHyperparameters);
    if (h.success) modelHyperparameters = h.data as Record<string, unknown>;
    else issues.push(...issuesOf("modelHyperparameters", h.error.issues));
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

export class RunService {
  /** Projects already ensured by this process: ensuring one costs four upserts, a launch should not. */
  private readonly projectIds = new Map<string, Promise<{ id: string }>>();

  constructor(
    private readonly deps: {
      runs: RunRepository;
      projects: ProjectRepository;
      queueFor: (queue: string) => TrainingQueue;
    },
  ) {}

  /** Validates, writes and queues a run. Throws LaunchValidationError (nothing written) for a bad body. */
  async launch(body: unknown): Promise<RunSummary> {
    const { request, config } = resolveRunConfig(body);
    const slug = request.project ?? "default";
    let projectPromise = this.projectIds.get(slug);
    if (!projectPromise) {
      projectPromise = this.deps.projects.ensureProject(slug);
      this.projectIds.set(slug, projectPromise);
      projectPromise.catch(() => this.projectIds.delete(slug));
    }
    const project = await projectPromise;
    const run = await this.deps.runs.createRun({
      projectId: project.id,
      name: request.name ?? `${config.model}-${config.dataset}-${Date.now().toString(36)}`,
      config,
      priority: request.priority,
      queueName: request.queue,
    });
    try {
      // One delivery per allowed attempt plus one, so the attempt after the last restart can mark the run failed.
      const attempts = config.training.maxRestarts + 2;
      await this.deps
        .queueFor(request.queue)
        .enqueue("run.train", { runId: run.id, config }, { jobId: run.id, priority: request.priority, attempts });
    } catch (error) {
      await this.deps.runs.deleteRun(run.id);
      throw error;
    }
    return run;
  }

  /** A run's details with its live queue position (1 = next) while it waits. */
  async detail(runId: string): Promise<RunDetail | null> {
    const run = await this.deps.runs.getRunDetail(runId);
    if (!run || run.status !== "QUEUED") return run;
    const order = await this.deps.queueFor(run.queueName).waitingOrder();
    const index = order.indexOf(runId);
    return { ...run, queuePosition: index >= 0 ? index + 1 : null };
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
