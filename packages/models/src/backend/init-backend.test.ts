import * as tf from "@tensorflow/tfjs";
import { LstmCell } from "../layers/lstm-cell";
import { runSequence } from "../layers/recurrent-cell";
import { Random } from "../random";
import { installCpuKernelFixes, uninstallCpuKernelFixes } from "./cpu-kernels";
import { initBackend } from "./init-backend";

function values(n: number, seed: number): Float32Array {
  const r = new Random(seed);
  return Float32Array.from({ length: n }, () => r.uniform(-1, 1));
}

/** The kernels the fixes replace, exercised through public ops; every result is read back to plain arrays. */
function workload(): Record<string, Float32Array | Int32Array> {
  const out: Record<string, Float32Array | Int32Array> = {};
  const keep = (name: string, t: tf.Tensor) => {
    out[name] = t.dataSync() as Float32Array;
    t.dispose();
  };
  tf.tidy(() => {
    const a = tf.tensor2d(values(37 * 19, 1), [37, 19]);
    const b = tf.tensor2d(values(19 * 23, 2), [19, 23]);
    keep("matMul", tf.matMul(a, b));
    keep("matMul tA", tf.matMul(tf.tensor2d(values(19 * 37, 3), [19, 37]), b, true, false));
    keep("matMul tB", tf.matMul(a, tf.tensor2d(values(23 * 19, 4), [23, 19]), false, true));
    keep(
      "matMul tA tB",
      tf.matMul(tf.tensor2d(values(19 * 37, 3), [19, 37]), tf.tensor2d(values(23 * 19, 4), [23, 19]), true, true),
    );
    const batched = tf.tensor3d(values(3 * 7 * 5, 5), [3, 7, 5]);
    keep("batched x shared", tf.matMul(batched, tf.tensor2d(values(5 * 4, 6), [5, 4])));
    keep(
      "batched tA x shared tB",
      tf.matMul(tf.tensor3d(values(3 * 5 * 7, 7), [3, 5, 7]), tf.tensor2d(values(4 * 5, 8), [4, 5]), true, true),
    );
    keep("batched x batched", tf.matMul(batched, tf.tensor3d(values(3 * 5 * 4, 9), [3, 5, 4])));
    const x4 = tf.tensor4d(values(4 * 5 * 6 * 7, 10), [4, 5, 6, 7]);
    keep("slice 1d", tf.slice(tf.tensor1d(values(50, 11)), [7], [20]));
    keep("slice 2d", tf.slice(a, [3, 4], [10, 9]));
    keep("slice 3d", tf.slice(batched, [1, 2, 1], [2, 4, 3]));
    keep("slice 4d", tf.slice(x4, [1, 0, 2, 3], [2, 5, 3, 4]));
    keep("slice 5d", tf.slice(tf.reshape(x4, [2, 2, 5, 6, 7]), [1, 0, 1, 2, 0], [1, 2, 3, 2, 7]));
    tf.unstack(batched, 1).forEach((t, i) => keep(`unstack ${i}`, t));
    tf.split(a, [4, 10, 5], 1).forEach((t, i) => keep(`split ${i}`, t));
    const ids = tf.tensor1d([2, 0, 2, 1, 4, 0, 3], "int32");
    keep("unsortedSegmentSum", tf.unsortedSegmentSum(tf.tensor2d(values(7 * 3, 12), [7, 3]), ids, 5));
    const table = tf.tensor2d(values(6 * 4, 13), [6, 4]);
    keep("gather gradient", tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, ids), 1.5)))(table));
    const cell = new LstmCell({ units: 8, inputSize: 5, seed: 3 });
    const x = tf.tensor3d(values(6 * 4 * 5, 14), [6, 4, 5]);
    const { grads, value } = tf.variableGrads(
      () => tf.sum(tf.square(runSequence(cell, x).outputs)) as tf.Scalar,
      cell.weights.map((w) => w.variable),
    );
    keep("lstm loss", value);
    cell.weights.forEach((w) => keep(`lstm grad ${w.name}`, grads[w.variable.name] as tf.Tensor));
    cell.weights.forEach((w) => w.variable.dispose());
  });
  return out;
}

describe("initBackend", () => {
  let wasmResults: Record<string, Float32Array | Int32Array>;

  test("strict: an unavailable preferred backend is an error, not a fallback", async () => {
    // First in the file: a failed choice is not remembered, so the next test can still choose.
    await expect(initBackend({ prefer: "tensorflow", strict: true })).rejects.toThrow(/tensorflow unavailable/);
  });

  test("reports its choice and falls back when the preferred backend is missing", async () => {
    // tfjs-node cannot be installed on this machine (notes/tfjs.md), so "tensorflow" must fall back to wasm.
    const choice = await initBackend({ prefer: "tensorflow" });
    expect(choice.backend).toBe("wasm");
    expect(choice.reason).toMatch(/fallback from tensorflow/);
    expect(choice.reason).toMatch(/tfjs-node/);
    expect(choice.device).toMatch(/WebAssembly/);
    expect(tf.getBackend()).toBe("wasm");
  });

  test("is idempotent: later calls return the first choice", async () => {
    const first = await initBackend({ prefer: "tensorflow" });
    expect(await initBackend({ prefer: "cpu" })).toBe(first);
    expect(tf.getBackend()).toBe("wasm");
  });

  test("the wasm kernel fixes give the cpu backend's results", async () => {
    wasmResults = workload();
    // Switching backends is safe here: every wasm tensor is disposed and the results are plain arrays.
    await tf.setBackend("cpu");
    uninstallCpuKernelFixes();
    const cpuResults = workload();
    expect(Object.keys(wasmResults).sort()).toEqual(Object.keys(cpuResults).sort());
    for (const [name, expected] of Object.entries(cpuResults)) {
      const got = wasmResults[name] as Float32Array;
      expect([name, got.length]).toEqual([name, expected.length]);
      // XNNPACK sums in a different order than the cpu kernel: 1e-5 relative covers float32 reassociation.
      got.forEach((v, i) => {
        const e = expected[i] as number;
        if (Math.abs(v - e) > 1e-5 * (1 + Math.abs(e))) throw new Error(`${name}[${i}]: wasm ${v} vs cpu ${e}`);
      });
    }
  });

  test("the cpu slice fix (Slice, SplitV, Unpack) gives the stock cpu kernels' results exactly", async () => {
    await tf.setBackend("cpu");
    uninstallCpuKernelFixes();
    const stock = workload();
    installCpuKernelFixes();
    const fixed = workload();
    for (const [name, expected] of Object.entries(stock))
      expect([name, Array.from(fixed[name] as Float32Array)]).toEqual([name, Array.from(expected)]);
  });
});
