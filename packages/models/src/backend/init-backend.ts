import * as tf from "@tensorflow/tfjs";
import { installCpuKernelFixes } from "./cpu-kernels";
import { installWasmKernelFixes } from "./wasm-kernels";

/** A backend the library can run on: tfjs-node(-gpu) registers "tensorflow". */
export type BackendName = "tensorflow" | "wasm" | "cpu";

export interface InitBackendOptions {
  /** Backend to try first (the app passes SEQLAB_BACKEND here); the others remain fallbacks. Default: best available. */
  prefer?: BackendName;
  /**
   * Whether the tensorflow backend runs on a CUDA GPU through tfjs-node-gpu. Default "auto".
   * - `"auto"`: load tfjs-node-gpu when a GPU device node (`/dev/nvidia<N>`, any N) exists, else tfjs-node; the
   *   choice's `device` says whether TensorFlow then found a GPU.
   * - `true`: a GPU is required: load tfjs-node-gpu whatever the device nodes, and fail (no fallback to tfjs-node,
   *   wasm or cpu) unless TensorFlow reports a GPU. A `prefer` of "wasm" or "cpu" still wins: it names no GPU backend.
   * - `false`: never load tfjs-node-gpu.
   * The app derives it from its own environment (the worker: from CUDA_VISIBLE_DEVICES); the library never reads it.
   */
  gpu?: boolean | "auto";
  /** Fail instead of falling back when `prefer` cannot start (for an explicit SEQLAB_BACKEND). Default false. */
  strict?: boolean;
}

export interface BackendChoice {
  /** tfjs backend name now active. */
  backend: string;
  /** Why this backend: what was tried and why each earlier candidate was skipped. */
  reason: string;
  /** Human-readable device description: "CUDA GPU (...)" only when TensorFlow itself reported a GPU device. */
  device: string;
  /** Whether TensorFlow reported a GPU device (the tensorflow backend's isUsingGpuDevice); false on wasm and cpu. */
  gpu: boolean;
}

/** The tfjs-node packages the tensorflow backend can come from; both register the same backend name. */
export type TensorflowPackage = "@tensorflow/tfjs-node-gpu" | "@tensorflow/tfjs-node";

/**
 * The GPU device nodes among a /dev listing: `nvidia0`, `nvidia1`, ... A container given one GPU of several sees
 * only that GPU's node (`/dev/nvidia3`), so any index counts. `nvidiactl`, `nvidia-uvm` and `nvidia-modeset` exist
 * on driver hosts without a usable GPU and do not count.
 */
export function gpuDeviceNodes(devEntries: readonly string[]): string[] {
  return devEntries.filter((name) => /^nvidia\d+$/.test(name)).sort();
}

/** What loading the tensorflow backend found, as plain data: the input of {@link describeTensorflowDevice}. */
export interface TensorflowLoad {
  /** The `gpu` option in effect. */
  gpu: boolean | "auto";
  /** GPU device nodes the "auto" probe saw; empty when there were none or none was looked for. */
  deviceNodes: string[];
  /** The package whose backend is now active. */
  loaded: TensorflowPackage;
  /** First line of the error loading tfjs-node-gpu, when it was tried and failed (then tfjs-node was loaded). */
  gpuPackageError?: string;
  /** TF_Version of the libtensorflow the binding runs on; undefined when the binding does not expose it. */
  libtensorflowVersion?: string;
  /** The backend's isUsingGpuDevice: TensorFlow listed a GPU device when it started. Undefined when not exposed. */
  usingGpu?: boolean;
}

/**
 * The device line and GPU flag for a loaded tensorflow backend: "CUDA GPU" only when TensorFlow says so, never
 * because a package loaded. Throws when a GPU is required (`gpu: true`) and TensorFlow found none.
 */
export function describeTensorflowDevice(load: TensorflowLoad): { device: string; gpu: boolean } {
  const lib = `libtensorflow ${load.libtensorflowVersion ?? "(version not reported)"}`;
  if (load.loaded === "@tensorflow/tfjs-node-gpu") {
    if (load.usingGpu === true) return { device: `CUDA GPU (${lib})`, gpu: true };
    const why =
      load.usingGpu === undefined
        ? "this tfjs-node-gpu does not report its device (no isUsingGpuDevice)"
        : `it listed no GPU device: the CUDA/cuDNN libraries ${lib} was built for did not load, the driver is too old, ` +
          "or no GPU is visible (TensorFlow's start-up lines on stderr say which)";
    if (load.gpu === true) throw new Error(`GPU required (gpu: true) but TensorFlow found no GPU: ${why}`);
    return { device: `CPU (${lib}; tfjs-node-gpu loaded but TensorFlow found no GPU: ${why})`, gpu: false };
  }
  if (load.gpu === true) throw new Error("GPU required (gpu: true) but tfjs-node-gpu was not loaded");
  const nodes = load.deviceNodes.map((n) => `/dev/${n}`).join(", ");
  const skipped = load.gpuPackageError
    ? `; ${nodes} present but tfjs-node-gpu did not load: ${load.gpuPackageError}`
    : "";
  return { device: `CPU (${lib}${skipped})`, gpu: false };
}

/** What {@link loadTensorflow} needs from the process, injectable so tests run without tfjs-node or a GPU. */
export interface TensorflowEnvironment {
  /** Names in /dev (empty where there is no /dev). */
  listDev(): Promise<string[]>;
  /** Loads a tfjs-node package (registering and selecting its "tensorflow" backend), throwing when it cannot. */
  load(pkg: TensorflowPackage): void;
  /** Activates the "tensorflow" backend and reads what TensorFlow reports about it. */
  start(): Promise<{ usingGpu?: boolean; libtensorflowVersion?: string }>;
}

/**
 * Loads tfjs-node-gpu or tfjs-node as `gpu` says and reports what TensorFlow found. With `gpu: true` a failing
 * tfjs-node-gpu is an error, not a reason to load tfjs-node: the two register the same backend, and only one can.
 */
export async function loadTensorflow(gpu: boolean | "auto", env: TensorflowEnvironment): Promise<TensorflowLoad> {
  const deviceNodes = gpu === "auto" ? gpuDeviceNodes(await env.listDev()) : [];
  let loaded: TensorflowPackage | undefined;
  let gpuPackageError: string | undefined;
  if (gpu === true || deviceNodes.length > 0) {
    try {
      env.load("@tensorflow/tfjs-node-gpu");
      loaded = "@tensorflow/tfjs-node-gpu";
    } catch (error) {
      gpuPackageError = firstLine(error);
      if (gpu === true) throw new Error(`GPU required (gpu: true) but tfjs-node-gpu did not load: ${gpuPackageError}`);
    }
  }
  if (!loaded) {
    env.load("@tensorflow/tfjs-node");
    loaded = "@tensorflow/tfjs-node";
  }
  const reported = await env.start();
  return {
    gpu,
    deviceNodes,
    loaded,
    ...(gpuPackageError !== undefined ? { gpuPackageError } : {}),
    ...(reported.libtensorflowVersion !== undefined ? { libtensorflowVersion: reported.libtensorflowVersion } : {}),
    ...(reported.usingGpu !== undefined ? { usingGpu: reported.usingGpu } : {}),
  };
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
}

let chosen: Promise<BackendChoice> | null = null;

/**
 * Picks and activates a tfjs backend once per process: tfjs-node-gpu (if installed and a GPU is visible), then
 * tfjs-node, then wasm (with seqlab's kernel fixes), then cpu (with its slice fix). Later calls return the first
 * choice, because moving live tensors between backends corrupts them (notes/tfjs.md).
 */
export function initBackend(options: InitBackendOptions = {}): Promise<BackendChoice> {
  if (!chosen) {
    chosen = choose(options);
    chosen.catch(() => {
      chosen = null;
    });
  }
  return chosen;
}

/** The backends to try, in order. A required GPU leaves only tensorflow: wasm and cpu would silently run without. */
export function backendCandidates(options: InitBackendOptions): BackendName[] {
  const order: BackendName[] = ["tensorflow", "wasm", "cpu"];
  if (options.gpu === true && options.prefer !== "wasm" && options.prefer !== "cpu") return ["tensorflow"];
  if (!options.prefer) return order;
  return options.strict ? [options.prefer] : [options.prefer, ...order.filter((b) => b !== options.prefer)];
}

async function choose(options: InitBackendOptions): Promise<BackendChoice> {
  const skipped: string[] = [];
  for (const candidate of backendCandidates(options)) {
    try {
      const { device, gpu } = await activate(candidate, options.gpu ?? "auto");
      const why =
        options.prefer === candidate
          ? "requested"
          : options.prefer
            ? `fallback from ${options.prefer}`
            : options.gpu === true
              ? "GPU required"
              : "best available";
      const reason = [`${candidate}: ${why}`, ...skipped].join("; ");
      return { backend: tf.getBackend(), reason, device, gpu };
    } catch (error) {
      skipped.push(`${candidate} unavailable (${firstLine(error)})`);
    }
  }
  throw new Error(`No tfjs backend could be initialised: ${skipped.join("; ")}`);
}

async function nodeRequire(): Promise<NodeJS.Require> {
  // Resolved lazily so that browser bundles of this module never touch Node built-ins.
  const { createRequire } = await import("node:module");
  // CommonJS (Jest, tsx) has __filename; under native ESM resolve from the working directory instead.
  return createRequire(typeof __filename === "string" ? __filename : `${process.cwd()}/`);
}

/** The parts of tfjs-node's NodeJSKernelBackend read here (tfjs-node/src/nodejs_kernel_backend.ts). */
interface NodeKernelBackendLike {
  /** A boolean in tfjs-node 4.x, set from the binding's isUsingGpuDevice() when the backend is created. */
  isUsingGpuDevice?: boolean | (() => boolean);
  binding?: { TF_Version?: unknown; isUsingGpuDevice?: () => boolean };
}

async function processTensorflowEnvironment(): Promise<TensorflowEnvironment> {
  const req = await nodeRequire();
  return {
    listDev: async () => {
      try {
        const fs = await import("node:fs/promises");
        return await fs.readdir("/dev");
      } catch {
        return [];
      }
    },
    load: (pkg) => {
      req(pkg);
    },
    start: async () => {
      if (!(await tf.setBackend("tensorflow")))
        throw new Error("tfjs-node loaded but the tensorflow backend did not start");
      const backend = tf.backend() as unknown as NodeKernelBackendLike;
      const own = backend.isUsingGpuDevice;
      const viaBinding = backend.binding?.isUsingGpuDevice;
      const usingGpu =
        typeof own === "function"
          ? own.call(backend)
          : (own ?? (typeof viaBinding === "function" ? viaBinding.call(backend.binding) : undefined));
      const version = backend.binding?.TF_Version;
      return {
        ...(typeof usingGpu === "boolean" ? { usingGpu } : {}),
        ...(typeof version === "string" ? { libtensorflowVersion: version } : {}),
      };
    },
  };
}

async function activate(name: BackendName, gpu: boolean | "auto"): Promise<{ device: string; gpu: boolean }> {
  if (name === "tensorflow") {
    return describeTensorflowDevice(await loadTensorflow(gpu, await processTensorflowEnvironment()));
  }
  if (name === "wasm") {
    const wasm = await import("@tensorflow/tfjs-backend-wasm");
    try {
      const req = await nodeRequire();
      const path = await import("node:path");
      const main = req.resolve("@tensorflow/tfjs-backend-wasm");
      wasm.setWasmPaths(`${path.dirname(main)}/`);
    } catch {
      // In a browser the bundler serves the .wasm files; the caller sets the paths there.
    }
    if (!(await tf.setBackend("wasm"))) throw new Error("the wasm backend did not start");
    await tf.ready();
    installWasmKernelFixes();
    const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
    return { device: `WebAssembly (${simd ? "SIMD" : "no SIMD"}, 1 thread, seqlab kernel fixes)`, gpu: false };
  }
  if (!(await tf.setBackend("cpu"))) throw new Error("the cpu backend did not start");
  await tf.ready();
  installCpuKernelFixes();
  return { device: "CPU (plain JavaScript kernels, seqlab slice fix)", gpu: false };
}
