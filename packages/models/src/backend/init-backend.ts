import * as tf from "@tensorflow/tfjs";
import { installCpuKernelFixes } from "./cpu-kernels";
import { installWasmKernelFixes } from "./wasm-kernels";

/** A backend the library can run on: tfjs-node(-gpu) registers "tensorflow". */
export type BackendName = "tensorflow" | "wasm" | "cpu";

export interface InitBackendOptions {
  /** Backend to try first (the app passes SEQLAB_BACKEND here); the others remain fallbacks. Default: best available. */
  prefer?: BackendName;
  /**
   * Whether a CUDA GPU may be used through tfjs-node-gpu. Default "auto": used when `/dev/nvidia0` exists. The app
   * passes `false` when CUDA_VISIBLE_DEVICES is empty, so the library never reads the environment itself.
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
  /** Human-readable device description. */
  device: string;
}

let chosen: Promise<BackendChoice> | null = null;

/**
 * Picks and activates a tfjs backend once per process: tfjs-node-gpu (if installed and a GPU is visible), then
 * tfjs-node, then wasm (with seqlab's kernel fixes), then cpu (with its slice fix). Later calls return the first choice, because moving
 * live tensors between backends corrupts them (notes/tfjs.md).
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

async function choose(options: InitBackendOptions): Promise<BackendChoice> {
  const order: BackendName[] = ["tensorflow", "wasm", "cpu"];
  const candidates = options.prefer
    ? options.strict
      ? [options.prefer]
      : [options.prefer, ...order.filter((b) => b !== options.prefer)]
    : order;
  const skipped: string[] = [];
  for (const candidate of candidates) {
    try {
      const device = await activate(candidate, options.gpu ?? "auto");
      const why =
        options.prefer === candidate
          ? "requested"
          : options.prefer
            ? `fallback from ${options.prefer}`
            : "best available";
      const reason = [`${candidate}: ${why}`, ...skipped].join("; ");
      return { backend: tf.getBackend(), reason, device };
    } catch (error) {
      skipped.push(
        `${candidate} unavailable (${error instanceof Error ? error.message.split("\n")[0] : String(error)})`,
      );
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

async function gpuVisible(): Promise<boolean> {
  try {
    const fs = await import("node:fs");
    return fs.existsSync("/dev/nvidia0");
  } catch {
    return false;
  }
}

async function activate(name: BackendName, gpu: boolean | "auto"): Promise<string> {
  if (name === "tensorflow") {
    const req = await nodeRequire();
    let device = "CPU (libtensorflow)";
    const useGpu = gpu === true || (gpu === "auto" && (await gpuVisible()));
    let loaded = false;
    if (useGpu) {
      try {
        req("@tensorflow/tfjs-node-gpu");
        device = "CUDA GPU (libtensorflow)";
        loaded = true;
      } catch {
        // tfjs-node-gpu missing or its CUDA 11.2/cuDNN 8 libraries absent: plain tfjs-node is the next candidate.
      }
    }
    if (!loaded) req("@tensorflow/tfjs-node");
    if (!(await tf.setBackend("tensorflow")))
      throw new Error("tfjs-node loaded but the tensorflow backend did not start");
    return device;
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
    return `WebAssembly (${simd ? "SIMD" : "no SIMD"}, 1 thread, seqlab kernel fixes)`;
  }
  if (!(await tf.setBackend("cpu"))) throw new Error("the cpu backend did not start");
  await tf.ready();
  installCpuKernelFixes();
  return "CPU (plain JavaScript kernels, seqlab slice fix)";
}
