/**
 * One training step (forward, backward, Adam) of seqlab's hand-written recurrent models against the tf.layers
 * equivalents, in the same run, on the wasm and cpu backends. Shape: batch 32, length 64, 32 input features,
 * 128 hidden units, 32 classes, per-step softmax cross-entropy (a tagger). Achieved GFLOP/s counts matMul FLOPs
 * only (3x the forward pass for a training step) and is compared with a 1024x1024 tf.matMul measured in the same run.
 *
 *   node --import tsx bench/models-bench.ts [wasm|cpu ...]
 *
 * Each backend runs in its own child process: switching backends with live tensors corrupts them (notes/tfjs.md).
 * tf.layers runs twice per backend: with stock tfjs kernels (what a user of tfjs gets) and with seqlab's kernel
 * fixes installed (wasm: matMul, slices; cpu: slices), which speed up any tfjs model; ratios are theirs / ours.
 */
import { spawnSync } from "node:child_process";
import * as tf from "@tensorflow/tfjs";
import {
  createTrainer,
  initBackend,
  installCpuKernelFixes,
  installWasmKernelFixes,
  uninstallCpuKernelFixes,
  uninstallWasmKernelFixes,
} from "@seqlab/models";
import type { ModelIO, TrainingBatch } from "@seqlab/models";

const B = 32;
const T = 64;
const I = 32;
const H = 128;
const C = 32;
/** Timed repetitions after warm-up; the best is reported (the machine is shared and noisy). cpu is ~10x slower. */
const REPS: Record<string, number> = { wasm: 7, cpu: 2 };
const WARMUP = 1;

interface Row {
  model: string;
  /** Set for models without a tf.layers equivalent that trains on this backend. */
  note?: string;
  ours: number;
  layersStock?: number;
  layersFixed?: number;
  flops: number;
}

function mulberry(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function makeBatch(): TrainingBatch {
  const r = mulberry(1);
  const inputs = Float32Array.from({ length: B * T * I }, () => r() * 2 - 1);
  const targets = Int32Array.from({ length: B * T }, () => Math.floor(r() * C));
  const ones = new Float32Array(B * T).fill(1);
  return {
    size: B,
    inputs,
    targets,
    inputLengths: new Int32Array(B).fill(T),
    targetLengths: new Int32Array(B).fill(T),
    inputMask: ones,
    targetMask: ones,
  };
}

/** matMul FLOPs of one training step: forward recurrence + head, times 3 (forward, two backward products). */
function stepFlops(gates: number, directions: number): number {
  const recurrence = directions * 2 * B * T * gates * H * (I + H);
  const head = 2 * B * T * directions * H * C;
  return 3 * (recurrence + head);
}

async function best(reps: number, fn: () => Promise<void>): Promise<number> {
  return (await interleaved(reps, [{ before: () => undefined, step: fn }]))[0] as number;
}

interface Contender {
  /** Runs before each timed step of this contender (installs or removes kernel fixes). */
  before: () => void;
  step: () => Promise<void>;
}

/**
 * Best time per contender, their steps alternating rep by rep, so that a burst of load from other processes on this
 * shared machine hits every contender alike instead of skewing one ratio.
 */
async function interleaved(reps: number, contenders: Contender[]): Promise<number[]> {
  for (const c of contenders) {
    c.before();
    for (let i = 0; i < WARMUP; i++) await c.step();
  }
  const min = contenders.map(() => Infinity);
  for (let i = 0; i < reps; i++) {
    for (const [k, c] of contenders.entries()) {
      c.before();
      const start = performance.now();
      await c.step();
      min[k] = Math.min(min[k] as number, performance.now() - start);
    }
  }
  return min;
}

const taggingIo: ModelIO = {
  problemType: "many-to-many-aligned",
  inputFeatures: I,
  inputLength: T,
  outputKind: "classes",
  outputSize: C,
  targetLength: T,
  heads: ["tagging"],
};

async function timeOurs(
  model: string,
  batch: TrainingBatch,
  reps: number,
  hyperparameters: Record<string, unknown> = { units: H },
  io: ModelIO = taggingIo,
): Promise<number> {
  const trainer = await createTrainer({
    model,
    hyperparameters,
    io,
    optimizer: { name: "adam", learningRate: 1e-3, clipNorm: 0 },
    seed: 1,
  });
  const ms = await best(reps, async () => {
    await trainer.trainStep(batch);
  });
  trainer.dispose();
  return ms;
}

function layersRecurrent(kind: string): tf.layers.Layer {
  // glorotUniform recurrent init: tfjs's orthogonal takes tens of seconds to build (notes/tfjs.md); sigmoid gates to match ours.
  const common = { units: H, returnSequences: true, recurrentInitializer: "glorotUniform" as const };
  if (kind === "rnn") return tf.layers.simpleRNN({ ...common, inputShape: [T, I] });
  if (kind === "lstm") return tf.layers.lstm({ ...common, recurrentActivation: "sigmoid", inputShape: [T, I] });
  if (kind === "gru") return tf.layers.gru({ ...common, recurrentActivation: "sigmoid", inputShape: [T, I] });
  return tf.layers.bidirectional({
    layer: tf.layers.lstm({ ...common, recurrentActivation: "sigmoid" }) as tf.RNN,
    mergeMode: "concat",
    inputShape: [T, I],
  });
}

/** Ours, tf.layers with stock kernels and tf.layers with seqlab's kernel fixes, interleaved. Returns their best ms. */
async function timeRecurrent(
  kind: string,
  batch: TrainingBatch,
  reps: number,
  fixes: { install: () => void; uninstall: () => void },
): Promise<[number, number, number]> {
  const trainer = await createTrainer({
    model: kind,
    hyperparameters: { units: H },
    io: taggingIo,
    optimizer: { name: "adam", learningRate: 1e-3, clipNorm: 0 },
    seed: 1,
  });
  const model = tf.sequential({
    layers: [layersRecurrent(kind), tf.layers.dense({ units: C, activation: "softmax" })],
  });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: "categoricalCrossentropy" });
  const x = tf.tensor3d(batch.inputs, [B, T, I]);
  const y = tf.oneHot(tf.tensor2d(batch.targets as Int32Array, [B, T], "int32"), C);
  const layersStep = async () => {
    await model.trainOnBatch(x, y);
  };
  const times = await interleaved(reps, [
    {
      before: fixes.install,
      step: async () => {
        await trainer.trainStep(batch);
      },
    },
    { before: fixes.uninstall, step: layersStep },
    { before: fixes.install, step: layersStep },
  ]);
  fixes.install();
  tf.dispose([x, y]);
  model.dispose();
  trainer.dispose();
  return times as [number, number, number];
}

async function matMulPeak(): Promise<number> {
  const a = tf.randomNormal([1024, 1024]);
  const b = tf.randomNormal([1024, 1024]);
  const ms = await best(3, async () => {
    const c = tf.matMul(a, b);
    await c.data();
    c.dispose();
  });
  tf.dispose([a, b]);
  return (2 * 1024 ** 3) / ms / 1e6;
}

async function runOne(backend: "wasm" | "cpu"): Promise<void> {
  const choice = await initBackend({ prefer: backend });
  if (choice.backend !== backend) throw new Error(`wanted ${backend}, got ${choice.backend}`);
  const reps = REPS[backend] as number;
  const batch = makeBatch();
  const peak = await matMulPeak();
  const models: [string, number, number][] = [
    ["rnn", 1, 1],
    ["lstm", 4, 1],
    ["gru", 3, 1],
    ["bilstm", 4, 2],
  ];
  const rows: Row[] = [];
  const fixes =
    backend === "wasm"
      ? { install: installWasmKernelFixes, uninstall: uninstallWasmKernelFixes }
      : { install: installCpuKernelFixes, uninstall: uninstallCpuKernelFixes };
  for (const [model, gates, directions] of models) {
    const [ours, layersStock, layersFixed] = await timeRecurrent(model, batch, reps, fixes);
    rows.push({ model, ours, layersStock, layersFixed, flops: stepFlops(gates, directions) });
  }
  // Sibling folders' models through the same catalog and trainer. No tf.layers baseline: dilated conv1d has no
  // gradient in tfjs and tfjs has no attention layer (notes/tfjs.md). FLOPs per step: input map I->R, per layer a
  // 2-tap gated conv 2R->2R and a residual+skip map R->R+S, head S->S->C, at R = S = 128 (wavenet.ts); seq2seq
  // counts its encoder and decoder LSTM matMuls only (attention excluded), so its GFLOP/s is a lower bound.
  const R = H;
  const wavenetForward = 2 * B * T * (I * R + 4 * (2 * R * 2 * R + R * 2 * R) + R * R + R * C);
  rows.push({
    model: "wavenet (4 dilated layers, 128 ch)",
    ours: await timeOurs("wavenet", batch, reps, {
      residualChannels: R,
      skipChannels: R,
      kernelSize: 2,
      dilations: [1, 2, 4, 8],
    }),
    flops: 3 * wavenetForward,
    note: "no tf.layers equivalent",
  });
  const seq2seqIo: ModelIO = {
    ...taggingIo,
    problemType: "many-to-many-unaligned",
    heads: ["seq2seq"],
    specialTokens: { start: 1, end: 2, pad: 0 },
  };
  rows.push({
    model: "seq2seq-attention (LSTM 128, bahdanau)",
    ours: await timeOurs(
      "seq2seq-attention",
      batch,
      reps,
      { cell: "lstm", hiddenSize: H, embeddingSize: 32, attention: "bahdanau", attentionSize: 64 },
      seq2seqIo,
    ),
    flops: 3 * (2 * B * T * 4 * H * (I + H) + 2 * B * T * 4 * H * (32 + 2 * H)),
    note: "no tf.layers equivalent",
  });
  const f = (ms: number | undefined) => (ms === undefined ? "-" : ms.toFixed(0));
  const ratio = (theirs: number | undefined, ours: number) =>
    theirs === undefined ? "-" : `${(theirs / ours).toFixed(2)}x`;
  const cell = (r: Row, ms: number | undefined) => (r.note && ms === undefined ? r.note : f(ms));
  console.log(
    `\n### ${backend}: ${choice.device}; tf.matMul 1024x1024 peak ${peak.toFixed(1)} GFLOP/s (best of ${reps} interleaved reps)\n`,
  );
  console.log(
    "| model | ours ms/step | ours GFLOP/s | % of matMul peak | tf.layers stock ms | ratio stock/ours | tf.layers + fixes ms | ratio fixed/ours |",
  );
  console.log("|---|---|---|---|---|---|---|---|");
  for (const r of rows) {
    const gflops = r.flops / r.ours / 1e6;
    console.log(
      `| ${r.model} | ${f(r.ours)} | ${gflops.toFixed(2)} | ${((100 * gflops) / peak).toFixed(1)}% | ${cell(r, r.layersStock)} | ${ratio(r.layersStock, r.ours)} | ${cell(r, r.layersFixed)} | ${ratio(r.layersFixed, r.ours)} |`,
    );
  }
}

async function main(): Promise<void> {
  const child = process.env.MODELS_BENCH_CHILD;
  if (child) {
    await runOne(child as "wasm" | "cpu");
    return;
  }
  const backends = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ["wasm", "cpu"];
  for (const backend of backends) {
    const r = spawnSync(process.execPath, [...process.execArgv, __filename], {
      env: { ...process.env, MODELS_BENCH_CHILD: backend },
      stdio: ["ignore", "inherit", "inherit"],
    });
    if (r.status !== 0) process.exitCode = 1;
  }
}

void main();
