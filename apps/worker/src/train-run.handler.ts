import type { Redis } from "ioredis";
import type { JobPayload, MetricPoint } from "@seqlab/contracts";
import { createTask, type TaskInstance } from "@seqlab/datasets";
import type { ArtifactRepository, EventRepository, MetricRepository, RunRepository } from "@seqlab/db";
import { createTrainer, getModelDefinition, loadTrainer, type Trainer } from "@seqlab/models";
import { publishRunEvent } from "@seqlab/queue";
import { MetricWriter } from "./metric-writer";

export interface TrainRunDeps {
  runs: RunRepository;
  metrics: MetricRepository;
  artifacts: ArtifactRepository;
  events: EventRepository;
  redis: Redis;
  workerId: string;
  backend: { backend: string; device: string };
  log: (message: string) => void;
}

/** A run config that cannot be trained (unknown model, bad hyperparameter, model that does not fit the task). */
export class RunConfigError extends Error {}

/** How often the cancel flag is read from the database: cheap, and well inside a 2 s cancel budget. */
const CANCEL_POLL_MS = 500;
/** How often the runs list's last step/loss is updated: the list does not need every step. */
const PROGRESS_EVERY_MS = 1_000;

function metricKey(prefix: string, name: string): string {
  return `${prefix}/${name.replace(/[^A-Za-z0-9_.\/-]/g, "_")}`;
}

function taskMetricPoints(prefix: string, values: Record<string, number>, step: number, wallTime: number): MetricPoint[] {
  return Object.entries(values)
    .filter(([, v]) => Number.isFinite(v))
    .map(([k, v]) => ({ key: metricKey(prefix, k), step, value: v, wallTime }));
}

/**
 * Trains one run: claims an attempt, builds the task and model from the resolved config, resumes from the
 * latest good checkpoint if an earlier attempt left one, streams metrics, checkpoints, and records the outcome.
 * Training errors end the run as FAILED (or DIVERGED) and return normally: the job itself succeeded at
 * reporting them, and retrying a deterministic error would only fail again.
 */
export async function trainRun(payload: JobPayload<"run.train">, deps: TrainRunDeps): Promise<void> {
  const { runId, config } = payload;
  const claim = await deps.runs.startAttempt(runId, { workerId: deps.workerId, ...deps.backend });
  if (!claim) {
    deps.log(`run ${runId}: nothing to do (finished, cancelled, owned by another attempt, or out of attempts)`);
    return;
  }
  const { attempt } = claim;
  // Awaited so the log keeps its order; a failed write is logged locally and never stops training.
  const event = async (message: string, level: "info" | "warn" | "error" = "info") => {
    deps.log(`run ${runId}: ${message}`);
    await Promise.all([
      deps.events.addEvent(runId, { level, message, attempt }).catch((e) => deps.log(`run ${runId}: event write failed: ${String(e)}`)),
      publishRunEvent(deps.redis, { type: "log", runId, level, message, at: Date.now() }).catch(() => undefined),
    ]);
  };
  await publishRunEvent(deps.redis, { type: "status", runId, status: "RUNNING", attempt, backend: deps.backend.backend });
  await event(`attempt ${attempt} started on ${deps.workerId} (${deps.backend.backend}, ${deps.backend.device})`);

  const writer = new MetricWriter({
    runId,
    metrics: deps.metrics,
    redis: deps.redis,
    onError: (e) => deps.log(`run ${runId}: metric write failed, will retry: ${e instanceof Error ? e.message : String(e)}`),
  });
  let trainer: Trainer | null = null;
  let lastLoss: number | null = null;
  let step = 0;
  const finish = async (status: "SUCCEEDED" | "FAILED" | "CANCELLED" | "DIVERGED", errorReason: string | null) => {
    await writer.close();
    const owned = await deps.runs.finishAttempt(runId, attempt, status, { errorReason, finalLoss: lastLoss, lastStep: step });
    if (owned) await publishRunEvent(deps.redis, { type: "status", runId, status, errorReason, attempt });
  };

  try {
    let task: TaskInstance;
    try {
      task = createTask(config.dataset, config.datasetParams, config.seed);
      const model = getModelDefinition(config.model);
      if (!model.heads.some((h) => task.spec.heads.includes(h))) {
        throw new Error(`model "${config.model}" (heads: ${model.heads.join(", ")}) does not fit dataset "${config.dataset}" (heads: ${task.spec.heads.join(", ")})`);
      }
    } catch (error) {
      throw new RunConfigError(error instanceof Error ? error.message : String(error));
    }

    const checkpoint = await deps.artifacts.latestGoodCheckpoint(runId);
    if (checkpoint) {
      trainer = (await loadTrainer(checkpoint.content)).trainer;
      await event(`resumed from checkpoint at step ${trainer.step}`);
    } else {
      try {
        trainer = await createTrainer({
          model: config.model,
          hyperparameters: config.modelHyperparameters,
          io: task.spec,
          optimizer: { name: config.training.optimizer, learningRate: config.training.learningRate, clipNorm: config.training.clipNorm },
          seed: config.seed,
        });
      } catch (error) {
        throw new RunConfigError(error instanceof Error ? error.message : String(error));
      }
      await event(`model ${config.model} built: ${trainer.parameterCount} parameters`);
    }

    const { steps, batchSize, evalEvery, checkpointEvery, trainMetricsEvery } = config.training;
    const train = task.split("train");
    const validation = task.split("validation");
    const validationBatches = Math.max(1, Math.floor(validation.size / batchSize));
    const saveCheckpoint = async () => {
      const bytes = await trainer!.saveCheckpoint({ runId, attempt });
      await deps.artifacts.saveArtifact({ runId, kind: "checkpoint", name: `step-${String(trainer!.step).padStart(8, "0")}`, content: bytes, step: trainer!.step, attempt });
    };

    step = trainer.step;
    let lastCancelCheck = 0;
    let lastProgress = 0;
    while (step < steps) {
      const batch = train.batch(step, batchSize);
      const { loss } = await trainer.trainStep(batch);
      step = trainer.step;
      const now = Date.now();
      if (!Number.isFinite(loss)) {
        await event(`loss became ${loss} at step ${step}: stopping the run as diverged`, "error");
        await finish("DIVERGED", `loss was ${loss} at step ${step}`);
        return;
      }
      lastLoss = loss;
      const points: MetricPoint[] = [{ key: "loss", step, value: loss, wallTime: now }];
      if (step % trainMetricsEvery === 0) {
        const output = await trainer.predict(batch);
        points.push(...taskMetricPoints("train", task.metrics(batch, output), step, now));
      }
      if (step % evalEvery === 0 || step === steps) {
        const vb = validation.batch(Math.floor(step / evalEvery) % validationBatches, batchSize);
        const { loss: valLoss, output } = await trainer.evaluate(vb);
        points.push({ key: "val/loss", step, value: valLoss, wallTime: now });
        points.push(...taskMetricPoints("val", task.metrics(vb, output), step, now));
      }
      writer.record(points);
      if (step % checkpointEvery === 0 && step < steps) await saveCheckpoint();
      if (now - lastProgress > PROGRESS_EVERY_MS) {
        lastProgress = now;
        void deps.runs.recordProgress(runId, attempt, step, loss).catch(() => undefined);
      }
      if (now - lastCancelCheck > CANCEL_POLL_MS) {
        lastCancelCheck = now;
        const status = await deps.runs.getStatus(runId);
        if (!status || status.attempt !== attempt || status.cancelRequested || status.status !== "RUNNING") {
          if (status?.cancelRequested) {
            await event(`cancelled at step ${step}`, "warn");
            await finish("CANCELLED", null);
          } else {
            await event(`attempt ${attempt} no longer owns the run; stopping`, "warn");
            await writer.close();
          }
          return;
        }
      }
      // Let timers (metric flushes, BullMQ lock renewal) run between steps.
      await new Promise((resolve) => setImmediate(resolve));
    }
    await saveCheckpoint();
    await event(`finished ${steps} steps, final loss ${lastLoss?.toPrecision(5)}`);
    await finish("SUCCEEDED", null);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await event(error instanceof RunConfigError ? `invalid run config: ${message}` : `training failed: ${message}`, "error");
    await finish("FAILED", error instanceof RunConfigError ? `invalid run config: ${message}` : message);
  } finally {
    trainer?.dispose();
  }
}
