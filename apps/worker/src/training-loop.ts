import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import {
  mediaArtifactName,
  PREDICTION_INPUTS_NAME,
  RUN_MEDIA_KINDS,
  TEST_EVALUATION_NAME,
  TRAIN_LOSS_KEY,
  type EvaluationResult,
  type GradientFlowSnapshot,
  type MetricPoint,
  type ResolvedRunConfig,
} from "@seqlab/contracts";
import { createTask, getTask, scoreWholeSplit, type Batch, type TaskInstance } from "@seqlab/datasets";
import {
  createTrainer,
  getModelDefinition,
  headMismatch,
  loadTrainer,
  parseHyperparameters,
  type CheckpointMeta,
  type SequenceTrainer,
} from "@seqlab/models";
import { freeRunningOutput } from "./free-running";
import { describePredictions } from "./predictions";
import type { ChildMessage, ResumeCandidate } from "./trainer-protocol";

/** A config that cannot be trained (unknown model, bad hyperparameter, model that does not fit the task). */
export class RunConfigError extends Error {}

export type StopReason = "cancel" | "handover" | "superseded";

export interface TrainingLoopOptions {
  runId: string;
  attempt: number;
  config: ResolvedRunConfig;
  /** The newest good checkpoint to resume from. */
  checkpoint?: ResumeCandidate;
  /**
   * Asked for the next older candidate after the offered one could not be loaded (after "checkpoint-rejected" is
   * emitted); resolves with none when there is no other, and training starts from step 0.
   */
  nextCheckpoint?: () => Promise<ResumeCandidate | undefined>;
  emit: (message: ChildMessage) => void;
  /** Polled between steps. */
  stopRequested: () => StopReason | null;
  /** Test-only fault injection: "throw-at-step:N" | "nan-at-step:N" | "hang-at-step:N" | "oom-at-step:N". */
  fault?: string;
  /** Directory checkpoints are written to, for the worker to upload (trainer-protocol's "checkpoint"). */
  spoolDir: string;
  now?: () => number;
}

function metricKey(prefix: string, name: string): string {
  return `${prefix}/${name.replace(/[^A-Za-z0-9_.\/-]/g, "_")}`;
}

/**
 * A regression task's `accuracy` is a fraction within a tolerance, a detail of its scoring: charted beside MSE it
 * read as a classification accuracy, so it is not logged (the task's own metrics, MSE and MAE, are).
 */
const NOT_LOGGED_FOR_REGRESSION: ReadonlySet<string> = new Set(["accuracy"]);

function taskMetricPoints(
  prefix: string,
  values: Record<string, number>,
  step: number,
  wallTime: number,
  regression: boolean,
): MetricPoint[] {
  return Object.entries(values)
    .filter(([k, v]) => Number.isFinite(v) && !(regression && NOT_LOGGED_FOR_REGRESSION.has(k)))
    .map(([k, v]) => ({ key: metricKey(prefix, k), step, value: v, wallTime }));
}

/** JSON with object keys sorted, so two equal configs compare equal whatever order their keys were written in. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

/** Why a decodable checkpoint still cannot continue this run (it belongs to another model or config), or null. */
function checkpointMismatch(
  meta: CheckpointMeta,
  config: ResolvedRunConfig,
  hyperparameters: Record<string, unknown>,
): string | null {
  if (meta.model !== config.model) return `it holds model "${meta.model}", the run trains "${config.model}"`;
  if (meta.seed !== config.seed) return `it was trained with seed ${meta.seed}, the run uses ${config.seed}`;
  if (canonicalJson(meta.hyperparameters) !== canonicalJson(hyperparameters)) {
    return `its hyperparameters ${canonicalJson(meta.hyperparameters)} differ from the run's ${canonicalJson(hyperparameters)}`;
  }
  if (meta.step > config.training.steps)
    return `it is at step ${meta.step}, past the run's ${config.training.steps} steps`;
  return null;
}

function parseFault(fault: string | undefined): { kind: string; step: number } | null {
  const match = /^(throw|nan|hang|oom)-at-step:(\d+)$/.exec(fault ?? "");
  return match ? { kind: match[1]!, step: Number(match[2]) } : null;
}

/**
 * The training loop of one attempt, with no database or queue in sight: it builds (or resumes) the trainer,
 * trains step by step and reports everything through `emit`. Batches are a pure function of (seed, step) and the
 * trainer's dropout stream of (seed, step), so resuming from a checkpoint replays the exact same computation.
 */
export async function runTrainingLoop(options: TrainingLoopOptions): Promise<void> {
  const { config, emit } = options;
  // Wall-clock for metric timestamps; a monotonic, sub-millisecond clock for step and checkpoint timings.
  const now = options.now ?? Date.now;
  const clock = () => performance.now();
  const fault = parseFault(options.fault);
  const log = (message: string, level: "info" | "warn" | "error" = "info") => emit({ type: "log", level, message });
  let trainer: SequenceTrainer | null = null;
  let step = 0;
  let lastLoss: number | null = null;
  const done = (outcome: Extract<ChildMessage, { type: "done" }>["outcome"], error?: string, configError?: boolean) =>
    emit({
      type: "done",
      outcome,
      step,
      loss: lastLoss,
      ...(error ? { error } : {}),
      ...(configError ? { configError } : {}),
    });

  try {
    let task: TaskInstance;
    let hyperparameters: Record<string, unknown> = {};
    let recurrent = false;
    let regression = false;
    try {
      task = createTask(config.dataset, config.datasetParams, config.seed);
      const model = getModelDefinition(config.model);
      recurrent = model.recurrent;
      regression = task.spec.outputKind === "regression";
      const mismatch = headMismatch(model, config.dataset, task.spec.heads);
      if (mismatch) throw new Error(mismatch);
      // Resolved the way the trainer resolves them, so a checkpoint's stored hyperparameters compare equal.
      hyperparameters = parseHyperparameters(model, config.modelHyperparameters);
    } catch (error) {
      throw new RunConfigError(error instanceof Error ? error.message : String(error));
    }
    let candidate = options.checkpoint;
    while (candidate && !trainer) {
      try {
        const loaded = await loadTrainer(new Uint8Array(await readFile(candidate.file)));
        const mismatch = checkpointMismatch(loaded.meta, config, hyperparameters);
        if (mismatch) {
          loaded.trainer.dispose();
          throw new Error(mismatch);
        }
        trainer = loaded.trainer;
        log(`resumed from checkpoint ${candidate.name} at step ${trainer.step}`);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        emit({ type: "checkpoint-rejected", artifactId: candidate.artifactId, reason });
        candidate = options.nextCheckpoint ? await options.nextCheckpoint() : undefined;
        if (!candidate) log("no usable checkpoint is left: training starts again from step 0", "warn");
      }
    }
    if (!trainer) {
      try {
        trainer = await createTrainer({
          model: config.model,
          hyperparameters: config.modelHyperparameters,
          io: task.spec,
          optimizer: {
            name: config.training.optimizer,
            learningRate: config.training.learningRate,
            clipNorm: config.training.clipNorm,
          },
          seed: config.seed,
        });
      } catch (error) {
        throw new RunConfigError(error instanceof Error ? error.message : String(error));
      }
      log(`model ${config.model} built: ${trainer.parameterCount} parameters`);
    }

    const {
      steps,
      batchSize,
      evalEvery,
      checkpointEvery,
      checkpointEveryMinutes,
      trainMetricsEvery,
      validateWholeSplit,
      gradientFlow,
      logPredictions,
    } = config.training;
    let predictionInputsLogged = false;
    const train = task.split("train");
    const validation = task.split("validation");
    const validationBatches = Math.max(1, Math.floor(validation.size / batchSize));
    let lastCheckpointAt = now();
    const evaluateTestSplit = async () => {
      const started = clock();
      const { metrics, samples } = await scoreWholeSplit(task, "test", batchSize, (b) =>
        freeRunningOutput(task, trainer!, b),
      );
      const evaluationMs = clock() - started;
      const wallTime = now();
      const info = getTask(config.dataset).metric;
      const baseline = task.baseline("test");
      const result: EvaluationResult = {
        split: "test",
        step,
        samples,
        metrics: info.evaluation
          .filter((key) => Number.isFinite(metrics[key]))
          .map((key) => ({
            key,
            value: metrics[key]!,
            baseline: Number.isFinite(baseline[key]) ? baseline[key]! : null,
            higherIsBetter: info.higherIsBetter,
          })),
        evaluationMs,
        // Training time estimated as steps x this attempt's mean step time (0 when it trained no step).
        trainingMs: stepsTimed ? (stepMsTotal / stepsTimed) * steps : 0,
      };
      emit({
        type: "metrics",
        points: taskMetricPoints("test", metrics, step, wallTime, regression),
        step,
        loss: null,
      });
      emit({
        type: "artifact",
        kind: RUN_MEDIA_KINDS.evaluation,
        name: TEST_EVALUATION_NAME,
        step,
        json: JSON.stringify(result),
      });
      log(
        `test split (${samples} samples, ${(evaluationMs / 1000).toFixed(1)} s): ` +
          result.metrics
            .map(
              (m) =>
                `${m.key} ${m.value.toPrecision(4)}${m.baseline === null ? "" : ` (baseline ${m.baseline.toPrecision(4)})`}`,
            )
            .join(", "),
      );
    };
    let stepMsTotal = 0;
    let stepsTimed = 0;
    let checkpointsWritten = 0;
    const checkpoint = async () => {
      const started = clock();
      const bytes = await trainer!.saveCheckpoint({ runId: options.runId, attempt: options.attempt });
      // Named by step and a counter: a run checkpoints a step once, but a handover may repeat the last one.
      const file = path.join(options.spoolDir, `step-${trainer!.step}-${++checkpointsWritten}.ckpt`);
      await writeFile(file, bytes);
      emit({
        type: "checkpoint",
        step: trainer!.step,
        file,
        stepMs: stepsTimed ? stepMsTotal / stepsTimed : 0,
        saveMs: clock() - started,
      });
      lastCheckpointAt = now();
    };

    /**
     * Validation at an evaluation step: one batch (rotating through the split), or with `validateWholeSplit` every
     * sample once (the loss is then the mean of the batches' losses). The batch is also the one gradient flow uses.
     */
    const validate = async (
      atStep: number,
    ): Promise<{ loss: number; metrics: Record<string, number>; batch: Batch }> => {
      const batch = validation.batch(Math.floor(atStep / evalEvery) % validationBatches, batchSize);
      // Metrics score the model's own output (a generated caption, not the teacher-forced one); the loss stays
      // the teacher-forced objective the optimiser minimises.
      const scored = async (b: Batch) => {
        const { loss, output } = await trainer!.evaluate(b);
        return { loss, output: trainer!.head === "generation" ? await freeRunningOutput(task, trainer!, b) : output };
      };
      if (!validateWholeSplit) {
        const { loss, output } = await scored(batch);
        return { loss, metrics: task.metrics(batch, output), batch };
      }
      let lossSum = 0;
      let batches = 0;
      const { metrics } = await scoreWholeSplit(task, "validation", batchSize, async (b) => {
        const { loss, output } = await scored(b);
        lossSum += loss;
        batches += 1;
        return output;
      });
      return { loss: lossSum / batches, metrics, batch };
    };

    step = trainer.step;
    while (step < steps) {
      const stop = options.stopRequested();
      if (stop) {
        // A cancelled run keeps its last state too, so it can be resumed (or its weights used) later.
        if (stop === "handover" || (stop === "cancel" && step > 0)) await checkpoint();
        log(
          stop === "cancel"
            ? `cancelled at step ${step}`
            : stop === "handover"
              ? `handing the run back at step ${step}`
              : `another attempt owns the run; stopping at step ${step}`,
          "warn",
        );
        done(stop === "cancel" ? "cancelled" : stop);
        return;
      }
      if (fault && step + 1 === fault.step) {
        if (fault.kind === "throw") throw new Error(`injected training fault at step ${fault.step}`);
        if (fault.kind === "hang") await new Promise(() => undefined);
        if (fault.kind === "oom") {
          // Fills the heap until V8 gives up, as a model too big for its memory limit would.
          const hog: number[][] = [];
          for (;;) hog.push(new Array(1_000_000).fill(step));
        }
      }
      const batch = train.batch(step, batchSize);
      const started = clock();
      let { loss } = await trainer.trainStep(batch);
      stepMsTotal += clock() - started;
      stepsTimed += 1;
      if (fault?.kind === "nan" && trainer.step === fault.step) loss = Number.NaN;
      step = trainer.step;
      const wallTime = now();
      if (!Number.isFinite(loss)) {
        log(`loss became ${loss} at step ${step}: stopping the run as diverged`, "error");
        done("diverged", `loss was ${loss} at step ${step}`);
        return;
      }
      lastLoss = loss;
      const points: MetricPoint[] = [{ key: TRAIN_LOSS_KEY, step, value: loss, wallTime }];
      if (step % trainMetricsEvery === 0) {
        const output = await trainer.predict(batch);
        points.push(...taskMetricPoints("train", task.metrics(batch, output), step, wallTime, regression));
      }
      if (step % evalEvery === 0 || step === steps) {
        const validated = await validate(step);
        points.push({ key: "val/loss", step, value: validated.loss, wallTime });
        points.push(...taskMetricPoints("val", validated.metrics, step, wallTime, regression));
        if (gradientFlow && recurrent) {
          const norms = await trainer.inputGradientNorms(validated.batch);
          const snapshot: GradientFlowSnapshot = {
            step,
            norms: Array.from(norms, (n) => (Number.isFinite(n) ? n : 0)),
          };
          emit({
            type: "artifact",
            kind: RUN_MEDIA_KINDS.gradientFlow,
            name: mediaArtifactName(step),
            step,
            json: JSON.stringify(snapshot),
          });
        }
        if (logPredictions) {
          const { snapshot, inputs } = await describePredictions(task, trainer, step, config.seed);
          if (!predictionInputsLogged) {
            emit({
              type: "artifact",
              kind: RUN_MEDIA_KINDS.predictionInputs,
              name: PREDICTION_INPUTS_NAME,
              step,
              json: JSON.stringify(inputs),
            });
            predictionInputsLogged = true;
          }
          const name = mediaArtifactName(step);
          emit({ type: "artifact", kind: RUN_MEDIA_KINDS.predictions, name, step, json: JSON.stringify(snapshot) });
        }
      }
      emit({ type: "metrics", points, step, loss });
      if (step < steps && (step % checkpointEvery === 0 || now() - lastCheckpointAt >= checkpointEveryMinutes * 60_000))
        await checkpoint();
      // Lets IPC messages (stop requests) in between steps.
      await new Promise((resolve) => setImmediate(resolve));
    }
    await checkpoint();
    log(`finished ${steps} steps, final loss ${lastLoss?.toPrecision(5)}`);
    // The test split, once, after the final checkpoint: an attempt that dies here resumes at the last step and
    // evaluates again (its points are upserts, its artifact replaces by name), so no run ends without its result.
    await evaluateTestSplit();
    done("succeeded");
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const configError = error instanceof RunConfigError;
    log(configError ? `invalid run config: ${message}` : `training failed: ${message}`, "error");
    done("failed", configError ? `invalid run config: ${message}` : message, configError);
  } finally {
    trainer?.dispose();
  }
}
