/**
 * CTC loss + gradient: seqlab's JS forward-backward (ctcLoss, analytic gradient through tf.customGrad) against the
 * same log-space recursion written as per-step tensor ops differentiated by tf.grad, in the same run, on the wasm
 * and cpu backends. Shape: batch 32, 128 steps, 80 classes, labels of 30 (a line-recognition-sized problem).
 *
 *   node --import tsx bench/ctc-bench.ts [wasm|cpu ...]
 *
 * Each backend runs in its own child process, because switching backends with live tensors corrupts them
 * (notes/tfjs.md).
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { ctcLoss } from "@seqlab/models";

const BATCH = 32;
const TIME = 128;
const CLASSES = 80;
const LABEL = 30;
/** Timed repetitions after one warm-up; the best is reported (shared, noisy machine). */
const REPS = 5;
/** Stand-in for -Infinity inside tensor ops: exp underflows to exactly 0 and gradients stay finite (no inf - inf). */
const NEG = -1e30;

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

interface Problem {
  logits: Float32Array;
  labels: number[][];
  inputLengths: number[];
  labelLengths: number[];
}

function makeProblem(): Problem {
  const next = mulberry(42);
  const logits = new Float32Array(BATCH * TIME * CLASSES).map(() => (next() - 0.5) * 4);
  const labels: number[][] = [];
  const inputLengths: number[] = [];
  const labelLengths: number[] = [];
  for (let b = 0; b < BATCH; b++) {
    labels.push(Array.from({ length: LABEL }, () => 1 + Math.floor(next() * (CLASSES - 1))));
    // Mixed lengths, as in a real padded batch; all feasible (even with every symbol repeated: 2 * 30 < 96).
    inputLengths.push(TIME - Math.floor(next() * 32));
    labelLengths.push(LABEL - Math.floor(next() * 8));
  }
  return { logits, labels, inputLengths, labelLengths };
}

/**
 * The baseline: the alpha recursion over all samples at once as tensor ops per time step (log-sum-exp of the three
 * predecessor states), masked for padding, and autodiff for the gradient. Same semantics as ctcLoss "mean".
 */
function tensorOpCtc(p: Problem): (logits: tf.Tensor3D) => tf.Scalar {
  const S = 2 * LABEL + 1;
  // One-hot of the extended labels [B, C, S]: emissions as one batched matMul (gather's gradient is missing on wasm).
  const onehot = new Float32Array(BATCH * CLASSES * S);
  const skipMask = new Float32Array(BATCH * S).fill(NEG);
  const finalMask = new Float32Array(BATCH * S).fill(NEG);
  const timeMask = new Float32Array(TIME * BATCH);
  for (let b = 0; b < BATCH; b++) {
    const L = p.labelLengths[b] as number;
    const ext: number[] = [];
    for (let s = 0; s < S; s++) ext.push(s % 2 === 0 || s >= 2 * L + 1 ? 0 : (p.labels[b]?.[(s - 1) >> 1] as number));
    for (let s = 0; s < S; s++) {
      onehot[(b * CLASSES + (ext[s] as number)) * S + s] = 1;
      if (s >= 2 && s % 2 === 1 && s < 2 * L + 1 && ext[s] !== ext[s - 2]) skipMask[b * S + s] = 0;
    }
    finalMask[b * S + 2 * L] = 0;
    if (L > 0) finalMask[b * S + 2 * L - 1] = 0;
    for (let t = 0; t < (p.inputLengths[b] as number); t++) timeMask[t * BATCH + b] = 1;
  }
  const initMask = new Float32Array(BATCH * S).fill(NEG);
  for (let b = 0; b < BATCH; b++) {
    initMask[b * S] = 0;
    initMask[b * S + 1] = 0;
  }
  const weights = p.labelLengths.map((L) => 1 / Math.max(L, 1) / BATCH);
  return (logits) =>
    tf.tidy(() => {
      const onehotT = tf.tensor3d(onehot, [BATCH, CLASSES, S]);
      const skip = tf.tensor2d(skipMask, [BATCH, S]);
      const lp = tf.logSoftmax(logits);
      const emit = tf.matMul(lp, onehotT); // [B, T, S]
      const steps = tf.unstack(emit, 1) as tf.Tensor2D[];
      const keep = tf.unstack(tf.tensor3d(timeMask, [TIME, BATCH, 1]), 0) as tf.Tensor2D[];
      let alpha = tf.add(steps[0] as tf.Tensor2D, tf.tensor2d(initMask, [BATCH, S])) as tf.Tensor2D;
      for (let t = 1; t < TIME; t++) {
        const s1 = tf.pad(
          alpha.slice([0, 0], [BATCH, S - 1]),
          [
            [0, 0],
            [1, 0],
          ],
          NEG,
        );
        const s2 = tf.add(
          tf.pad(
            alpha.slice([0, 0], [BATCH, S - 2]),
            [
              [0, 0],
              [2, 0],
            ],
            NEG,
          ),
          skip,
        );
        const next = tf.add(tf.logSumExp(tf.stack([alpha, s1, s2], 2), 2), steps[t] as tf.Tensor2D) as tf.Tensor2D;
        const m = keep[t] as tf.Tensor2D;
        alpha = tf.add(tf.mul(next, m), tf.mul(alpha, tf.sub(1, m)));
      }
      const ll = tf.logSumExp(tf.add(alpha, tf.tensor2d(finalMask, [BATCH, S])), 1);
      return tf.sum(tf.mul(tf.neg(ll), tf.tensor1d(weights))) as tf.Scalar;
    });
}

function time(fn: () => void): number {
  fn();
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < REPS; i++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

async function runOne(backend: string): Promise<void> {
  if (backend === "wasm") {
    setWasmPaths(path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm")) + path.sep);
  }
  await tf.setBackend(backend);
  await tf.ready();
  const p = makeProblem();
  const x = tf.tensor3d(p.logits, [BATCH, TIME, CLASSES]);
  const ours = tf.valueAndGrad((z: tf.Tensor) => ctcLoss(z as tf.Tensor3D, p.labels, p.inputLengths, p.labelLengths));
  const baselineFn = tensorOpCtc(p);
  const baseline = tf.valueAndGrad((z: tf.Tensor) => baselineFn(z as tf.Tensor3D));

  // Same loss and gradient before timing anything.
  const a = ours(x);
  const b = baseline(x);
  const lossDiff = Math.abs((a.value.dataSync()[0] as number) - (b.value.dataSync()[0] as number));
  const ga = a.grad.dataSync();
  const gb = b.grad.dataSync();
  let gradDiff = 0;
  for (let i = 0; i < ga.length; i++) gradDiff = Math.max(gradDiff, Math.abs((ga[i] as number) - (gb[i] as number)));
  tf.dispose([a.value, a.grad, b.value, b.grad]);

  const run = (f: (z: tf.Tensor) => { value: tf.Tensor; grad: tf.Tensor }) => () => {
    const r = f(x);
    r.grad.dataSync();
    tf.dispose([r.value, r.grad]);
  };
  const oursMs = time(run(ours));
  const baseMs = time(run(baseline));
  const lossOnlyMs = time(() => tf.tidy(() => ctcLoss(x, p.labels, p.inputLengths, p.labelLengths).dataSync()));
  console.log(
    JSON.stringify({
      backend: tf.getBackend(),
      shape: { batch: BATCH, time: TIME, classes: CLASSES, labelLength: LABEL },
      ctcLossPlusGradMs: +oursMs.toFixed(2),
      ctcLossOnlyMs: +lossOnlyMs.toFixed(2),
      tensorOpsAutodiffMs: +baseMs.toFixed(2),
      ratio: +(baseMs / oursMs).toFixed(1),
      maxLossDiff: lossDiff,
      maxGradDiff: gradDiff,
    }),
  );
  x.dispose();
}

async function main(): Promise<void> {
  const child = process.env.CTC_BENCH_CHILD;
  if (child) {
    await runOne(child);
    return;
  }
  const backends = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ["wasm", "cpu"];
  for (const backend of backends) {
    const r = spawnSync(process.execPath, [...process.execArgv, __filename], {
      env: { ...process.env, CTC_BENCH_CHILD: backend },
      stdio: ["ignore", "inherit", "inherit"],
    });
    if (r.status !== 0) process.exitCode = 1;
  }
}

void main();
