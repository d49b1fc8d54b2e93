/**
 * A model written by hand in TensorFlow.js (no tf.layers: variables, tf.tidy and optimizer.minimize), trained in a
 * plain Node script and tracked in seqlab with @seqlab/sdk, the way `wandb.init` / `run.log` track a PyTorch loop.
 *
 * The model is a GRU cell unrolled over time; the task is to predict the next value of a sine wave from noisy
 * samples of it (each sequence has its own frequency and phase), so the loss falls fast and then levels off near
 * what the noise allows. Everything random is seeded: the same --seed gives the same losses.
 *
 *   seqlab login            # once: stores the URL and an API key (or set SEQLAB_URL and SEQLAB_API_KEY)
 *   npx tsx examples/track-your-own-model/train.ts --project default --steps 300
 */
import * as tf from "@tensorflow/tfjs";
import { init, type FinishReport } from "@seqlab/sdk";
import { z } from "zod";

/** The command line: `--steps N`, `--project slug`, `--seed N` (as `--flag value` or `--flag=value`). */
export const TrainArgs = z.strictObject({
  /** Optimizer steps. Default 300: about 6 s on the pure-JS CPU backend, and the loss has levelled off by then. */
  steps: z.coerce.number().int().min(1).max(1_000_000).default(300),
  /** The seqlab project the run goes to. */
  project: z.string().min(1).default("default"),
  /** Seeds the data and the initial weights. */
  seed: z.coerce
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(42),
});
export type TrainArgs = z.infer<typeof TrainArgs>;

/** The hyperparameters, recorded as the run's config. */
const HPARAMS = {
  /** GRU units: enough to track a sine's phase and frequency, small enough for the CPU backend. */
  hidden: 16,
  /** Time steps per sequence: about one period of the slowest wave below. */
  seqLen: 16,
  batchSize: 32,
  /** Adam's step size: the usual 1e-3 is slow for a 60-step test run; 1e-2 is stable for a model this small. */
  learningRate: 0.01,
  /** Standard deviation of the noise on the inputs; the sine itself has amplitude 1. */
  noise: 0.1,
  /** Sequences in the fixed validation set. */
  valSize: 256,
  /** Validation loss is computed every this many steps (and at the last). */
  valEvery: 50,
};

/** mulberry32: a tiny seeded PRNG, so the data do not depend on Math.random. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal sample by Box-Muller. */
function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/**
 * `size` sequences: inputs are noisy samples sin(ωt + φ) + ε for t = 0..seqLen-1, targets the clean next value
 * sin(ω(t+1) + φ), with ω in [0.3, 0.9] rad per step and φ in [0, 2π) drawn per sequence.
 */
function makeBatch(random: () => number, size: number): { xs: tf.Tensor2D; ys: tf.Tensor2D } {
  const { seqLen, noise } = HPARAMS;
  const xs = new Float32Array(size * seqLen);
  const ys = new Float32Array(size * seqLen);
  for (let b = 0; b < size; b++) {
    const omega = 0.3 + 0.6 * random();
    const phi = 2 * Math.PI * random();
    for (let t = 0; t < seqLen; t++) {
      xs[b * seqLen + t] = Math.sin(omega * t + phi) + noise * gaussian(random);
      ys[b * seqLen + t] = Math.sin(omega * (t + 1) + phi);
    }
  }
  return { xs: tf.tensor2d(xs, [size, seqLen]), ys: tf.tensor2d(ys, [size, seqLen]) };
}

/** The GRU's weights (input 1, `hidden` units) and a linear read-out to one value. */
interface GruWeights {
  /** Update gate: input, recurrent and bias weights. */
  Wz: tf.Variable;
  Uz: tf.Variable;
  bz: tf.Variable;
  /** Reset gate. */
  Wr: tf.Variable;
  Ur: tf.Variable;
  br: tf.Variable;
  /** Candidate state. */
  Wn: tf.Variable;
  Un: tf.Variable;
  bn: tf.Variable;
  /** Read-out to the predicted next value. */
  Wo: tf.Variable;
  bo: tf.Variable;
}

/** Glorot-like initial weights, each from its own seed, so a run is reproducible whatever the backend's state. */
function initWeights(seed: number): GruWeights {
  const { hidden } = HPARAMS;
  let k = 0;
  const matrix = (rows: number, cols: number, name: string) =>
    tf.variable(tf.randomNormal([rows, cols], 0, 1 / Math.sqrt(rows), "float32", seed + k++), true, name);
  const bias = (name: string, value = 0) => tf.variable(tf.fill([hidden], value), true, name);
  return {
    Wz: matrix(1, hidden, "Wz"),
    Uz: matrix(hidden, hidden, "Uz"),
    // A negative update-gate bias starts the cell leaning on its new state, which speeds up the first steps.
    bz: bias("bz", -1),
    Wr: matrix(1, hidden, "Wr"),
    Ur: matrix(hidden, hidden, "Ur"),
    br: bias("br"),
    Wn: matrix(1, hidden, "Wn"),
    Un: matrix(hidden, hidden, "Un"),
    bn: bias("bn"),
    Wo: matrix(hidden, 1, "Wo"),
    bo: tf.variable(tf.zeros([1]), true, "bo"),
  };
}

/**
 * Mean squared error of the next-value predictions over every time step, by unrolling the GRU:
 *   z = σ(x Wz + h Uz + bz), r = σ(x Wr + h Ur + br), n = tanh(x Wn + (r ⊙ h) Un + bn), h' = (1 − z) ⊙ n + z ⊙ h.
 * Differs from PyTorch's nn.GRU, which applies the reset gate after the recurrent product (r ⊙ (h Un + b)): this
 * is the original formulation of Cho et al. (2014); both train equally well here.
 */
function loss(w: GruWeights, xs: tf.Tensor2D, ys: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const [size, seqLen] = xs.shape;
    let h: tf.Tensor2D = tf.zeros([size, HPARAMS.hidden]);
    const predictions: tf.Tensor2D[] = [];
    for (let t = 0; t < seqLen; t++) {
      const x = tf.slice(xs, [0, t], [size, 1]);
      const z = tf.sigmoid(tf.add(tf.add(tf.matMul(x, w.Wz), tf.matMul(h, w.Uz)), w.bz));
      const r = tf.sigmoid(tf.add(tf.add(tf.matMul(x, w.Wr), tf.matMul(h, w.Ur)), w.br));
      const n = tf.tanh(tf.add(tf.add(tf.matMul(x, w.Wn), tf.matMul(tf.mul(r, h), w.Un)), w.bn));
      h = tf.add(tf.mul(tf.sub(1, z), n), tf.mul(z, h));
      predictions.push(tf.add(tf.matMul(h, w.Wo), w.bo));
    }
    return tf.losses.meanSquaredError(ys, tf.concat(predictions, 1));
  });
}

/** The flags in `argv` (after the script's name) as {@link TrainArgs}; throws naming the bad flag. */
export function parseArgs(argv: readonly string[]): TrainArgs {
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`unexpected argument "${arg}": use --steps N, --project NAME, --seed N`);
    const value = match[2] ?? argv[++i];
    if (value === undefined) throw new Error(`--${match[1]} needs a value`);
    flags[match[1]!] = value;
  }
  const parsed = TrainArgs.safeParse(flags);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) =>
      issue.code === "unrecognized_keys"
        ? issue.keys.map((key) => `--${key}: unknown flag (use --steps, --project, --seed)`).join("; ")
        : `--${issue.path.join(".")}: ${issue.message}`,
    );
    throw new Error(lines.join("; "));
  }
  return parsed.data;
}

/** What {@link main} did: the run's page, the losses it logged, and the SDK's finish report. */
export interface TrainResult {
  url: string;
  trainLoss: number[];
  valLoss: { step: number; value: number }[];
  report: FinishReport;
}

/**
 * Trains the model for `--steps` steps, logging `train/loss` every step and `val/loss` every 50 steps (and at the
 * last), uploads the final weights as a JSON artifact and finishes the run. `print` receives the lines to show
 * (default console.log).
 */
export async function main(argv: readonly string[], print: (line: string) => void = console.log): Promise<TrainResult> {
  const args = parseArgs(argv);
  await tf.setBackend("cpu");
  const run = await init({
    project: args.project,
    name: `hand-written GRU, seed ${args.seed}`,
    model: "hand-written GRU",
    dataset: "noisy sine",
    config: { ...HPARAMS, steps: args.steps, seed: args.seed, optimizer: "adam" },
    tags: ["example", "tfjs"],
    totalSteps: args.steps,
  });
  print(`seqlab: tracking ${run.url}`);

  const weights = initWeights(args.seed);
  const optimizer = tf.train.adam(HPARAMS.learningRate);
  const random = prng(args.seed);
  const val = makeBatch(prng(args.seed + 1), HPARAMS.valSize);
  const trainLoss: number[] = [];
  const valLoss: { step: number; value: number }[] = [];
  try {
    for (let step = 0; step < args.steps; step++) {
      const batch = makeBatch(random, HPARAMS.batchSize);
      // returnCost: minimize hands back the loss it differentiated, so it is not computed twice.
      const cost = optimizer.minimize(() => loss(weights, batch.xs, batch.ys), true);
      const trainValue = cost?.dataSync()[0] ?? NaN;
      tf.dispose([batch.xs, batch.ys, ...(cost ? [cost] : [])]);
      trainLoss.push(trainValue);
      run.log({ "train/loss": trainValue }, { step });
      if (step % HPARAMS.valEvery === 0 || step === args.steps - 1) {
        const v = tf.tidy(() => loss(weights, val.xs, val.ys).dataSync()[0] ?? NaN);
        valLoss.push({ step, value: v });
        run.log({ "val/loss": v }, { step });
        print(`step ${step}: train/loss ${trainValue.toFixed(4)}  val/loss ${v.toFixed(4)}`);
      }
    }
    const json = Object.fromEntries(
      Object.entries(weights).map(([name, v]) => [name, { shape: v.shape, values: Array.from(v.dataSync()) }]),
    );
    const artifact = await run.logArtifact(new TextEncoder().encode(JSON.stringify(json)), {
      kind: "model",
      name: "weights.json",
      step: args.steps - 1,
    });
    if (artifact) print(`seqlab: weights.json stored (${artifact.size} bytes, sha256 ${artifact.sha256.slice(0, 12)})`);
  } catch (error) {
    await run.finish({ outcome: "failed", error });
    throw error;
  } finally {
    tf.dispose([val.xs, val.ys, ...Object.values(weights)]);
    optimizer.dispose();
  }
  const report = await run.finish();
  print(
    `seqlab: finished=${report.finished} sent=${report.sent} spooled=${report.spooled} refused=${report.refused}` +
      (report.spooled > 0 ? ` (run \`seqlab sync\` to send the rest from ${report.spoolDir})` : ""),
  );
  return { url: run.url, trainLoss, valLoss, report };
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
