/**
 * Training figures for the datasets issue: real training runs of catalog models on catalog tasks, through the
 * public entry points only (`@seqlab/datasets` createTask, `@seqlab/models` initBackend + createTrainer), so the
 * numbers are what a platform user gets.
 *
 *   node --import tsx bench/task-training.ts adding [--lengths 50,150] [--steps 3000] [--every 250] [--evalBatches 8]
 *                                                   [--models rnn,lstm] [--seed 1]
 *   node --import tsx bench/task-training.ts lines  [--steps 600] [--batch 16] [--every 100] [--maxMinutes 30]
 *                                                   [--valSamples 256] [--testSamples 512] [--clipNorm 0] [--seed 1]
 *                                                   [--task '{"maxLength":16}'] [--model '{"lstmUnits":256}']
 *
 * adding: the vanishing-gradient demonstration (notes/fsdl-lab3.md). A vanilla RNN and an LSTM (32 units, Adam 1e-3,
 *   clipNorm 1, batch 64) train on the modern adding problem at each length T; test MSE on a fixed set of test
 *   batches every `every` steps, next to the constant-prediction baseline scored on the same batches.
 * lines: FSDL lab 3's line recogniser ("cnn-bilstm-ctc", default hyperparameters) on handwriting-lines with CTC;
 *   per-sample (FSDL) CER and corpus CER on a fixed validation subset vs steps, then on a fixed test subset, next to
 *   the task's trivial-transcriber baseline on the same samples.
 *
 * Each experiment prints markdown tables (steps, wall time, backend, parameter count, metric vs baseline). Runs are
 * deterministic given the seeds except for wall time; the machine is shared, so read times as rough.
 */
import { createTask, type Batch, type SplitName, type TaskInstance } from "@seqlab/datasets";
import { createTrainer, initBackend, type SequenceTrainer } from "@seqlab/models";

/** Parsed `--name value` flags; everything else positional. */
interface Cli {
  experiment: string;
  flags: Map<string, string>;
}

function parseCli(argv: string[]): Cli {
  const flags = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg.startsWith("--")) {
      const value = argv[i + 1];
      if (value === undefined) throw new Error(`flag ${arg} needs a value`);
      flags.set(arg.slice(2), value);
      i++;
    } else positional.push(arg);
  }
  return { experiment: positional[0] ?? "adding", flags };
}

/** A numeric flag; `min` is 1 for counts, 0 where zero means "off" (clipNorm). */
function intFlag(cli: Cli, name: string, fallback: number, min = 1): number {
  const raw = cli.flags.get(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) throw new Error(`--${name} must be a number >= ${min}, got ${raw}`);
  return value;
}

const fmt = (x: number, digits = 4): string => (Number.isFinite(x) ? x.toFixed(digits) : String(x));
const minutes = (ms: number): string => `${(ms / 60_000).toFixed(1)} min`;

/** Flushes progress lines immediately: the experiments run under nohup and are watched through their log. */
function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

// ---------------------------------------------------------------------------------------------------------------
// adding
// ---------------------------------------------------------------------------------------------------------------

interface AddingCurve {
  model: string;
  parameterCount: number;
  /** Test MSE at each evaluated step (step 0 = before training). */
  mse: Map<number, number>;
  trainMs: number;
  firstBelow: Map<number, number | null>;
}

const ADDING_THRESHOLDS = [0.1, 0.01];

/** Mean test MSE over the fixed evaluation batches (all the same size, so a plain mean of batch MSEs is exact). */
async function addingTestMse(trainer: SequenceTrainer, task: TaskInstance, batches: Batch[]): Promise<number> {
  let sum = 0;
  for (const batch of batches) {
    const output = await trainer.predict(batch);
    sum += task.metrics(batch, output).mse as number;
  }
  return sum / batches.length;
}

/** MSE of predicting `value` for every sample of `batches`: the constant baseline on exactly the evaluated samples. */
function constantMse(batches: Batch[], value: number): number {
  let sum = 0;
  let n = 0;
  for (const batch of batches) {
    for (let i = 0; i < batch.size; i++) {
      const error = (batch.targets[i] as number) - value;
      sum += error * error;
      n++;
    }
  }
  return sum / n;
}

async function trainAdding(
  model: string,
  task: TaskInstance,
  evalBatches: Batch[],
  steps: number,
  every: number,
  batchSize: number,
  seed: number,
): Promise<AddingCurve> {
  const trainer = await createTrainer({
    model,
    // 32 hidden units as in the lecture's demonstration; other hyperparameters are the catalog defaults.
    hyperparameters: { units: 32 },
    io: task.spec,
    optimizer: { name: "adam", learningRate: 1e-3, clipNorm: 1 },
    seed,
  });
  const curve: AddingCurve = {
    model,
    parameterCount: trainer.parameterCount,
    mse: new Map(),
    trainMs: 0,
    firstBelow: new Map(),
  };
  for (const t of ADDING_THRESHOLDS) curve.firstBelow.set(t, null);
  const record = async (step: number): Promise<void> => {
    const mse = await addingTestMse(trainer, task, evalBatches);
    curve.mse.set(step, mse);
    for (const t of ADDING_THRESHOLDS) if (curve.firstBelow.get(t) === null && mse < t) curve.firstBelow.set(t, step);
    log(
      `  [T=${task.spec.inputLength} ${model}] step ${step}: test MSE ${fmt(mse)} (train time ${minutes(curve.trainMs)})`,
    );
  };
  await record(0);
  const train = task.split("train");
  for (let step = 1; step <= steps; step++) {
    const batch = train.batch(step - 1, batchSize);
    // Only the optimiser step is timed; batch generation and evaluation are excluded.
    const start = performance.now();
    await trainer.trainStep(batch);
    curve.trainMs += performance.now() - start;
    if (step % every === 0 || step === steps) await record(step);
  }
  trainer.dispose();
  return curve;
}

async function runAdding(cli: Cli, backend: string): Promise<void> {
  const lengths = (cli.flags.get("lengths") ?? "50").split(",").map((s) => Number(s.trim()));
  const steps = intFlag(cli, "steps", 3000);
  const every = intFlag(cli, "every", 250);
  const evalCount = intFlag(cli, "evalBatches", 8);
  const batchSize = 64;
  const seed = intFlag(cli, "seed", 1);
  const models = (cli.flags.get("models") ?? "rnn,lstm").split(",").map((s) => s.trim());
  for (const length of lengths) {
    const task = createTask("adding", { length, variant: "modern" }, seed);
    const test = task.split("test");
    // A fixed set of test batches, so every evaluation of every model scores the same samples.
    const evalBatches = Array.from({ length: evalCount }, (_, i) => test.batch(i, batchSize));
    const taskBaseline = task.baseline("test");
    const prediction = taskBaseline.prediction as number;
    const baselineOnEval = constantMse(evalBatches, prediction);
    log(
      `adding T=${length}: ${evalCount * batchSize} test samples; baseline (predict train mean ${fmt(prediction, 3)}): ` +
        `MSE ${fmt(baselineOnEval)} on them, ${fmt(taskBaseline.mse as number)} on task.baseline("test")`,
    );
    const curves: AddingCurve[] = [];
    for (const model of models) curves.push(await trainAdding(model, task, evalBatches, steps, every, batchSize, seed));

    log("");
    log(`### adding problem, modern variant, T=${length}`);
    log("");
    log(
      `backend ${backend}; 32 units; Adam 1e-3, clipNorm 1; batch 64; seed ${seed}; test MSE on ${evalCount * batchSize} fixed test samples.`,
    );
    log(
      `Parameters: ${curves.map((c) => `${c.model} ${c.parameterCount}`).join(", ")}. Training wall time (optimiser steps only): ` +
        curves.map((c) => `${c.model} ${minutes(c.trainMs)} (${fmt(c.trainMs / steps, 1)} ms/step)`).join(", ") +
        ".",
    );
    log("");
    log(`| step | ${curves.map((c) => `${c.model} test MSE`).join(" | ")} | constant baseline (same samples) |`);
    log(`|---:|${curves.map(() => "---:|").join("")}---:|`);
    for (const step of [...(curves[0] as AddingCurve).mse.keys()]) {
      log(`| ${step} | ${curves.map((c) => fmt(c.mse.get(step) as number)).join(" | ")} | ${fmt(baselineOnEval)} |`);
    }
    log("");
    log("| model | first eval step with MSE < 0.1 | first eval step with MSE < 0.01 | final MSE |");
    log("|---|---:|---:|---:|");
    for (const c of curves) {
      const below = (t: number): string => String(c.firstBelow.get(t) ?? `not within ${steps}`);
      log(`| ${c.model} | ${below(0.1)} | ${below(0.01)} | ${fmt(c.mse.get(steps) as number)} |`);
    }
    log("");
  }
}

// ---------------------------------------------------------------------------------------------------------------
// lines
// ---------------------------------------------------------------------------------------------------------------

interface CerScores {
  cer: number;
  corpusCer: number;
  accuracy: number;
  loss: number;
}

/**
 * CER over `batches`: per-sample CER and accuracy are averaged weighted by batch size; the corpus CER is re-summed
 * from each batch's corpus CER times its total label length, so it is exactly total edits / total characters.
 */
async function linesScores(trainer: SequenceTrainer, task: TaskInstance, batches: Batch[]): Promise<CerScores> {
  let samples = 0;
  let cer = 0;
  let accuracy = 0;
  let edits = 0;
  let characters = 0;
  let loss = 0;
  for (const batch of batches) {
    const result = await trainer.evaluate(batch);
    const m = task.metrics(batch, result.output);
    const chars = batch.targetLengths.reduce((a, b) => a + b, 0);
    samples += batch.size;
    cer += (m.cer as number) * batch.size;
    accuracy += (m.accuracy as number) * batch.size;
    edits += (m.corpusCer as number) * chars;
    characters += chars;
    loss += result.loss * batch.size;
  }
  return { cer: cer / samples, corpusCer: edits / characters, accuracy: accuracy / samples, loss: loss / samples };
}

async function runLines(cli: Cli, backend: string): Promise<void> {
  const steps = intFlag(cli, "steps", 600);
  const batchSize = intFlag(cli, "batch", 16);
  const every = intFlag(cli, "every", 100);
  const maxMinutes = intFlag(cli, "maxMinutes", 30);
  const valSamples = intFlag(cli, "valSamples", 256);
  const testSamples = intFlag(cli, "testSamples", 512);
  const seed = intFlag(cli, "seed", 1);
  // FSDL trains without clipping; 0 turns the trainer's global-norm clipping off.
  const clipNorm = intFlag(cli, "clipNorm", 0, 0);
  const taskParams = JSON.parse(cli.flags.get("task") ?? "{}") as Record<string, unknown>;
  const hyperparameters = JSON.parse(cli.flags.get("model") ?? "{}") as Record<string, unknown>;
  const task = createTask("handwriting-lines", taskParams, seed);
  const evalBatch = 32;
  // Fixed evaluation subsets (whole batches of 32), so every evaluation scores the same lines.
  const valBatches = Array.from({ length: Math.ceil(valSamples / evalBatch) }, (_, i) =>
    task.split("validation").batch(i, evalBatch),
  );
  const testBatches = Array.from({ length: Math.ceil(testSamples / evalBatch) }, (_, i) =>
    task.split("test").batch(i, evalBatch),
  );
  const trainer = await createTrainer({
    model: "cnn-bilstm-ctc",
    hyperparameters,
    io: task.spec,
    optimizer: { name: "adam", learningRate: 1e-3, clipNorm },
    seed,
  });
  // The trivial-transcriber baseline is scored by the task on the whole split (up to its sample limit), not on the
  // evaluated subset: it depends on the labels only, and the split is the same one the model is scored on.
  const valBaseline = task.baseline("validation");
  const testBaseline = task.baseline("test");
  log(
    `lines: task params ${JSON.stringify(taskParams)} -> spec inputLength ${task.spec.inputLength}, features ${task.spec.inputFeatures}, ` +
      `targetLength ${task.spec.targetLength}, classes ${task.spec.outputSize}; model cnn-bilstm-ctc ${JSON.stringify(trainer.hyperparameters)}, ` +
      `${trainer.parameterCount} parameters; batch ${batchSize}; Adam 1e-3, clipNorm ${clipNorm}; backend ${backend}`,
  );
  log(`baseline validation: ${JSON.stringify(valBaseline)}`);
  log(`baseline test: ${JSON.stringify(testBaseline)}`);

  const rows: { step: number; wallMs: number; trainLoss: number; val: CerScores }[] = [];
  const started = performance.now();
  let trainMs = 0;
  let recentLoss = 0;
  let recentCount = 0;
  const record = async (step: number): Promise<void> => {
    const val = await linesScores(trainer, task, valBatches);
    const row = {
      step,
      wallMs: performance.now() - started,
      trainLoss: recentCount > 0 ? recentLoss / recentCount : NaN,
      val,
    };
    rows.push(row);
    recentLoss = 0;
    recentCount = 0;
    log(
      `  step ${step} (${minutes(row.wallMs)}, ${fmt(step > 0 ? trainMs / step : 0, 0)} ms/step): train loss ${fmt(row.trainLoss, 3)}; ` +
        `val loss ${fmt(val.loss, 3)} CER ${fmt(val.cer)} corpus CER ${fmt(val.corpusCer)} exact ${fmt(val.accuracy, 3)}`,
    );
  };
  await record(0);
  const train = task.split("train");
  let step = 0;
  let stoppedEarly = false;
  while (step < steps) {
    const batch = train.batch(step, batchSize);
    const t0 = performance.now();
    const { loss } = await trainer.trainStep(batch);
    trainMs += performance.now() - t0;
    step++;
    if (Number.isFinite(loss)) {
      recentLoss += loss;
      recentCount++;
    }
    if (step % 10 === 0) log(`    step ${step}: loss ${fmt(loss, 3)} (${fmt(trainMs / step, 0)} ms/step)`);
    // The wall-time cap keeps a slow, shared machine from overrunning the report deadline.
    const overTime = performance.now() - started > maxMinutes * 60_000;
    if (step % every === 0 || step === steps || overTime) await record(step);
    if (overTime) {
      stoppedEarly = step < steps;
      break;
    }
  }
  const test = await linesScores(trainer, task, testBatches);
  const totalMs = performance.now() - started;
  trainer.dispose();

  log("");
  log(`### handwriting-lines, cnn-bilstm-ctc`);
  log("");
  log(
    `backend ${backend}; task params ${JSON.stringify(taskParams)} (defaults otherwise); model ${JSON.stringify(trainer.hyperparameters)}; ` +
      `${trainer.parameterCount} parameters; batch ${batchSize}; Adam 1e-3, clipNorm ${clipNorm}; seed ${seed}; ` +
      `${step} steps (${step * batchSize} lines)${stoppedEarly ? `, stopped by the ${maxMinutes}-minute cap` : ""}; ` +
      `wall ${minutes(totalMs)}, of which optimiser steps ${minutes(trainMs)} (${fmt(trainMs / step, 0)} ms/step).`,
  );
  log(
    `CER = FSDL per-sample CER (edits / max(len(pred), len(target)), averaged over lines); corpus CER = total edits / total target characters; greedy decoding.`,
  );
  log("");
  log(
    `| step | wall | mean train loss since last row | val loss | val CER | val corpus CER | val exact-line accuracy |`,
  );
  log("|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of rows) {
    log(
      `| ${r.step} | ${minutes(r.wallMs)} | ${fmt(r.trainLoss, 3)} | ${fmt(r.val.loss, 3)} | ${fmt(r.val.cer)} | ${fmt(r.val.corpusCer)} | ${fmt(r.val.accuracy, 3)} |`,
    );
  }
  const last = rows[rows.length - 1] as (typeof rows)[number];
  log("");
  log(`| split (samples) | model CER | model corpus CER | baseline CER | baseline corpus CER | baseline kind |`);
  log("|---|---:|---:|---:|---:|---|");
  const kind = (b: Record<string, number>): string =>
    b.cer === b.emptyCer ? "empty transcription" : "most frequent char repeated";
  const row = (name: SplitName, n: number, s: CerScores, b: Record<string, number>): string =>
    `| ${name} (${n} lines, baseline on whole split) | ${fmt(s.cer)} | ${fmt(s.corpusCer)} | ${fmt(b.cer as number)} | ${fmt(b.corpusCer as number)} | ${kind(b)} |`;
  log(row("validation", valBatches.length * evalBatch, last.val, valBaseline));
  log(row("test", testBatches.length * evalBatch, test, testBaseline));
  log("");
}

async function main(): Promise<void> {
  const cli = parseCli(process.argv.slice(2));
  // Must run before any tensor exists: moving live tensors between backends corrupts them (notes/tfjs.md).
  const choice = await initBackend({ prefer: "wasm" });
  const backend = `${choice.backend} (${choice.reason})`;
  log(`${new Date().toISOString()} task-training ${cli.experiment}; backend ${backend}; node ${process.version}`);
  if (cli.experiment === "adding") await runAdding(cli, choice.backend);
  else if (cli.experiment === "lines") await runLines(cli, choice.backend);
  else throw new Error(`unknown experiment "${cli.experiment}": use adding or lines`);
  log(`${new Date().toISOString()} done`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
