import * as tf from "@tensorflow/tfjs";
import { LstmCell } from "../layers/lstm-cell";
import { runSequence } from "../layers/recurrent-cell";
import { Random } from "../random";
import { installCpuKernelFixes, uninstallCpuKernelFixes } from "./cpu-kernels";
import {
  backendCandidates,
  describeTensorflowDevice,
  gpuDeviceNodes,
  initBackend,
  loadTensorflow,
  type TensorflowEnvironment,
  type TensorflowLoad,
  type TensorflowPackage,
} from "./init-backend";

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

  test("gpu: true (a GPU named by the app) is an error here, not a silent fallback to wasm", async () => {
    // No tfjs-node-gpu on this machine: the required GPU cannot be had, and wasm or cpu would train without one.
    await expect(initBackend({ gpu: true })).rejects.toThrow(
      /^No tfjs backend could be initialised: tensorflow unavailable \(GPU required \(gpu: true\) but tfjs-node-gpu did not load: /,
    );
  });

  test("reports its choice and falls back when the preferred backend is missing", async () => {
    // tfjs-node cannot be installed on this machine (notes/tfjs.md), so "tensorflow" must fall back to wasm.
    const choice = await initBackend({ prefer: "tensorflow" });
    expect(choice.backend).toBe("wasm");
    expect(choice.reason).toMatch(/fallback from tensorflow/);
    expect(choice.reason).toMatch(/tfjs-node/);
    expect(choice.device).toMatch(/WebAssembly/);
    expect(choice.gpu).toBe(false);
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

/**
 * The GPU decisions, with fakes at the edge we cannot run here (a GPU, tfjs-node): a fake /dev listing, fake package
 * loads and a fake "what TensorFlow reported". The fakes stand in for exactly what tfjs-node 4.22 exposes: its
 * NodeJSKernelBackend's isUsingGpuDevice (true when TFE_ContextListDevices lists a "GPU") and binding.TF_Version.
 */
describe("GPU selection", () => {
  function fakeEnvironment(options: {
    dev?: string[];
    installed: TensorflowPackage[];
    usingGpu?: boolean;
    version?: string;
  }): TensorflowEnvironment & { loads: TensorflowPackage[]; listed: number } {
    const env = {
      loads: [] as TensorflowPackage[],
      listed: 0,
      listDev: async () => {
        env.listed++;
        return options.dev ?? [];
      },
      load: (pkg: TensorflowPackage) => {
        if (!options.installed.includes(pkg)) throw new Error(`Cannot find module '${pkg}'\nRequire stack: ...`);
        env.loads.push(pkg);
      },
      start: async () => ({
        ...(options.usingGpu !== undefined ? { usingGpu: options.usingGpu } : {}),
        ...(options.version !== undefined ? { libtensorflowVersion: options.version } : {}),
      }),
    };
    return env;
  }
  const both: TensorflowPackage[] = ["@tensorflow/tfjs-node-gpu", "@tensorflow/tfjs-node"];

  test("the probe counts any /dev/nvidia<N>, not only nvidia0, and no control nodes", () => {
    expect(
      gpuDeviceNodes(["null", "nvidia3", "nvidiactl", "nvidia-uvm", "nvidia-uvm-tools", "nvidia-modeset"]),
    ).toEqual(["nvidia3"]);
    expect(gpuDeviceNodes(["nvidia1", "nvidia0", "nvidia10"])).toEqual(["nvidia0", "nvidia1", "nvidia10"]);
    expect(gpuDeviceNodes(["nvidiactl", "tty0"])).toEqual([]);
  });

  test('"auto" loads tfjs-node-gpu when a container sees only /dev/nvidia3 (Kubernetes, one GPU of four)', async () => {
    const env = fakeEnvironment({ dev: ["nvidiactl", "nvidia3"], installed: both, usingGpu: true, version: "2.18.0" });
    const load = await loadTensorflow("auto", env);
    expect(env.loads).toEqual(["@tensorflow/tfjs-node-gpu"]);
    expect(describeTensorflowDevice(load)).toEqual({ device: "CUDA GPU (libtensorflow 2.18.0)", gpu: true });
  });

  test('"auto" without GPU device nodes never tries tfjs-node-gpu', async () => {
    const env = fakeEnvironment({ dev: ["nvidiactl"], installed: both, usingGpu: false, version: "2.9.1" });
    const load = await loadTensorflow("auto", env);
    expect(env.loads).toEqual(["@tensorflow/tfjs-node"]);
    expect(describeTensorflowDevice(load)).toEqual({ device: "CPU (libtensorflow 2.9.1)", gpu: false });
  });

  test("tfjs-node-gpu loaded but TensorFlow found no GPU is reported as CPU, not as a CUDA GPU", async () => {
    const env = fakeEnvironment({ dev: ["nvidia0"], installed: both, usingGpu: false, version: "2.9.1" });
    const { device, gpu } = describeTensorflowDevice(await loadTensorflow("auto", env));
    expect(gpu).toBe(false);
    expect(device).toMatch(/^CPU \(libtensorflow 2\.9\.1; tfjs-node-gpu loaded but TensorFlow found no GPU: /);
    expect(device).not.toMatch(/CUDA GPU/);
  });

  test("a backend that does not report its device is not taken for a GPU", () => {
    const load: TensorflowLoad = { gpu: "auto", deviceNodes: ["nvidia0"], loaded: "@tensorflow/tfjs-node-gpu" };
    expect(describeTensorflowDevice(load)).toEqual({
      device: expect.stringMatching(/^CPU \(libtensorflow \(version not reported\); .*does not report its device/),
      gpu: false,
    });
  });

  test('"auto": tfjs-node-gpu missing falls back to tfjs-node and says why', async () => {
    const env = fakeEnvironment({
      dev: ["nvidia0"],
      installed: ["@tensorflow/tfjs-node"],
      usingGpu: false,
      version: "2.9.1",
    });
    const load = await loadTensorflow("auto", env);
    expect(env.loads).toEqual(["@tensorflow/tfjs-node"]);
    expect(describeTensorflowDevice(load).device).toBe(
      "CPU (libtensorflow 2.9.1; /dev/nvidia0 present but tfjs-node-gpu did not load: Cannot find module '@tensorflow/tfjs-node-gpu')",
    );
  });

  test("gpu: true loads tfjs-node-gpu without looking at /dev, and succeeds only when TensorFlow reports a GPU", async () => {
    const env = fakeEnvironment({ dev: [], installed: both, usingGpu: true, version: "2.18.0" });
    const load = await loadTensorflow(true, env);
    expect(env.listed).toBe(0);
    expect(describeTensorflowDevice(load)).toEqual({ device: "CUDA GPU (libtensorflow 2.18.0)", gpu: true });
    const noGpu = await loadTensorflow(true, fakeEnvironment({ installed: both, usingGpu: false, version: "2.18.0" }));
    expect(() => describeTensorflowDevice(noGpu)).toThrow(/^GPU required \(gpu: true\) but TensorFlow found no GPU/);
  });

  test("gpu: true never falls back to tfjs-node when tfjs-node-gpu is missing", async () => {
    const env = fakeEnvironment({ installed: ["@tensorflow/tfjs-node"], usingGpu: false });
    await expect(loadTensorflow(true, env)).rejects.toThrow(
      /^GPU required \(gpu: true\) but tfjs-node-gpu did not load: Cannot find module '@tensorflow\/tfjs-node-gpu'$/,
    );
    expect(env.loads).toEqual([]);
  });

  test("gpu: false never loads tfjs-node-gpu, even with GPU device nodes", async () => {
    const env = fakeEnvironment({ dev: ["nvidia0"], installed: both, usingGpu: false, version: "2.9.1" });
    const load = await loadTensorflow(false, env);
    expect(env.loads).toEqual(["@tensorflow/tfjs-node"]);
    expect(env.listed).toBe(0);
    expect(describeTensorflowDevice(load).gpu).toBe(false);
  });

  test("a required GPU leaves no wasm or cpu fallback, unless wasm or cpu is asked for by name", () => {
    expect(backendCandidates({ gpu: true })).toEqual(["tensorflow"]);
    expect(backendCandidates({ gpu: true, prefer: "tensorflow" })).toEqual(["tensorflow"]);
    expect(backendCandidates({ gpu: true, prefer: "wasm", strict: true })).toEqual(["wasm"]);
    expect(backendCandidates({ gpu: "auto" })).toEqual(["tensorflow", "wasm", "cpu"]);
    expect(backendCandidates({ prefer: "cpu" })).toEqual(["cpu", "tensorflow", "wasm"]);
  });
});
