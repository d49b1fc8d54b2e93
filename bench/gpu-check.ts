/**
 * One-command GPU check: which backend and device seqlab's backend selection (initBackend) gets here, and one
 * training step (forward, backward, Adam) of an LSTM tagger and of an LSTM + CTC recogniser on the GPU against the
 * CPU backends, measured in the same run. For a machine with an NVIDIA GPU and tfjs-node-gpu (the worker-gpu image,
 * docs/gpu.md); elsewhere it says what is missing and times what it can.
 *
 *   npx tsx bench/gpu-check.ts [--reps N] [--require-gpu] [gpu] [tensorflow-cpu] [wasm] [cpu]
 *
 * Targets, each in its own child process (one backend per process: switching with live tensors corrupts them,
 * notes/tfjs.md), all by default:
 *   gpu             initBackend({ prefer: "tensorflow", gpu: true }): tfjs-node-gpu, and TensorFlow must report a GPU
 *   tensorflow-cpu  the same libtensorflow with every GPU hidden (CUDA_VISIBLE_DEVICES=-1), or tfjs-node
 *   wasm, cpu       seqlab's WebAssembly and plain-JavaScript backends
 * Shapes: LSTM tagger batch 32, length 64, 32 features, 128 units, 32 classes (as models-bench.ts); CTC batch 32,
 * 128 steps, 32 features, LSTM 128, 80 classes with blank 0, labels of 22-30 (as ctc-bench.ts). The first step is
 * reported apart: on a GPU it includes CUDA start-up and, on Hopper with libtensorflow 2.18, the driver's PTX JIT.
 * The first step's loss is compared across targets (same seed, same batch): a GPU that computes something else shows.
 * --require-gpu exits 1 unless the gpu target ran on a GPU (for a CI job on a GPU machine).
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { createTrainer, initBackend, Random, type ModelIO, type TrainingBatch } from "@seqlab/models";

const TARGETS = ["gpu", "tensorflow-cpu", "wasm", "cpu"] as const;
type Target = (typeof TARGETS)[number];
/** Marks the child's one result line on stdout, apart from anything tfjs or TensorFlow print. */
const RESULT = "GPU_CHECK_RESULT ";
/** Timed steps after the first and one more warm-up step; the median is reported. The JS cpu backend is ~10x slower. */
const DEFAULT_REPS: Record<Target, number> = { gpu: 10, "tensorflow-cpu": 5, wasm: 5, cpu: 2 };
/** Relative difference of first-step losses above which the targets disagree (float32 reassociation stays far below). */
const LOSS_TOLERANCE = 1e-3;
/** Stderr lines of a failed gpu child worth showing: TensorFlow's reasons for not finding a GPU. */
const GPU_LOG = /cuda|cudnn|cublas|gpu|dlopen|dso|driver|libcu|ptx|compute capability/i;

interface ModelTiming {
  firstMs: number;
  medianMs: number;
  minMs: number;
  reps: number;
  firstLoss: number;
}

interface ChildResult {
  target: Target;
  backend?: string;
  device?: string;
  gpu?: boolean;
  reason?: string;
  lstm?: ModelTiming;
  ctc?: ModelTiming;
  /** Why the target could not run here. */
  unavailable?: string;
}

const B = 32;

const lstmIo: ModelIO = {
  problemType: "many-to-many-aligned",
  inputFeatures: 32,
  inputLength: 64,
  outputKind: "classes",
  outputSize: 32,
  targetLength: 64,
  heads: ["tagging"],
};

const ctcIo: ModelIO = {
  problemType: "many-to-many-unaligned",
  inputFeatures: 32,
  inputLength: 128,
  outputKind: "classes",
  outputSize: 80,
  targetLength: 30,
  heads: ["ctc"],
  blank: 0,
};

function lstmBatch(): TrainingBatch {
  const random = new Random(1);
  const r = () => random.next();
  const { inputLength: T, inputFeatures: I, outputSize: C } = lstmIo;
  const ones = new Float32Array(B * T).fill(1);
  return {
    size: B,
    inputs: Float32Array.from({ length: B * T * I }, () => r() * 2 - 1),
    targets: Int32Array.from({ length: B * T }, () => Math.floor(r() * C)),
    inputLengths: new Int32Array(B).fill(T),
    targetLengths: new Int32Array(B).fill(T),
    inputMask: ones,
    targetMask: ones,
  };
}

/** Mixed lengths, as in a real padded batch; all feasible for CTC (even all-repeated labels: 2 x 30 < 96). */
function ctcBatch(): TrainingBatch {
  const random = new Random(42);
  const r = () => random.next();
  const { inputLength: T, inputFeatures: I, outputSize: C, targetLength: L } = ctcIo;
  const inputLengths = Int32Array.from({ length: B }, () => T - Math.floor(r() * 32));
  const targetLengths = Int32Array.from({ length: B }, () => L - Math.floor(r() * 9));
  const inputMask = new Float32Array(B * T);
  const targetMask = new Float32Array(B * L);
  const targets = new Int32Array(B * L);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < (inputLengths[b] as number); t++) inputMask[b * T + t] = 1;
    for (let s = 0; s < (targetLengths[b] as number); s++) {
      targetMask[b * L + s] = 1;
      targets[b * L + s] = 1 + Math.floor(r() * (C - 1));
    }
  }
  const inputs = Float32Array.from({ length: B * T * I }, (_, k) =>
    (inputMask[Math.floor(k / I)] as number) > 0 ? r() * 2 - 1 : 0,
  );
  return { size: B, inputs, targets, inputLengths, targetLengths, inputMask, targetMask };
}

async function timeModel(io: ModelIO, batch: TrainingBatch, reps: number): Promise<ModelTiming> {
  const trainer = await createTrainer({
    model: "lstm",
    hyperparameters: { units: 128 },
    io,
    optimizer: { name: "adam", learningRate: 1e-3, clipNorm: 0 },
    seed: 1,
  });
  // trainStep awaits the loss's data, so each timed step includes the device's work, not just its enqueueing.
  let start = performance.now();
  const { loss: firstLoss } = await trainer.trainStep(batch);
  const firstMs = performance.now() - start;
  await trainer.trainStep(batch);
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    start = performance.now();
    await trainer.trainStep(batch);
    times.push(performance.now() - start);
  }
  trainer.dispose();
  times.sort((a, b) => a - b);
  return {
    firstMs,
    medianMs: times[Math.floor(times.length / 2)] as number,
    minMs: times[0] as number,
    reps,
    firstLoss,
  };
}

async function runChild(target: Target, reps: number): Promise<ChildResult> {
  let choice;
  try {
    choice =
      target === "gpu"
        ? await initBackend({ prefer: "tensorflow", strict: true, gpu: true })
        : target === "tensorflow-cpu"
          ? await initBackend({ prefer: "tensorflow", strict: true, gpu: "auto" })
          : await initBackend({ prefer: target, strict: true });
  } catch (error) {
    return { target, unavailable: error instanceof Error ? error.message : String(error) };
  }
  const result: ChildResult = {
    target,
    backend: choice.backend,
    device: choice.device,
    gpu: choice.gpu,
    reason: choice.reason,
  };
  result.lstm = await timeModel(lstmIo, lstmBatch(), reps);
  result.ctc = await timeModel(ctcIo, ctcBatch(), reps);
  return result;
}

/** What this machine offers a GPU worker, before any backend is tried. */
function environmentReport(): string[] {
  const lines: string[] = [];
  const req = createRequire(__filename);
  for (const pkg of ["@tensorflow/tfjs-node-gpu", "@tensorflow/tfjs-node"]) {
    let found = "not installed";
    try {
      found = `installed (${(req(`${pkg}/package.json`) as { version: string }).version})`;
    } catch {
      // Not resolvable from bench/: the line says so.
    }
    lines.push(`${pkg}: ${found}`);
  }
  let nodes: string[] = [];
  try {
    nodes = readdirSync("/dev").filter((n) => /^nvidia\d+$/.test(n));
  } catch {
    // No /dev (not Linux): no device nodes.
  }
  lines.push(`GPU device nodes: ${nodes.length ? nodes.map((n) => `/dev/${n}`).join(", ") : "none"}`);
  const smi = spawnSync(
    "nvidia-smi",
    ["--query-gpu=index,name,driver_version,compute_cap,memory.total", "--format=csv,noheader"],
    { encoding: "utf8", timeout: 10_000 },
  );
  lines.push(
    smi.status === 0
      ? `nvidia-smi: ${smi.stdout.trim().split("\n").join(" | ")}`
      : `nvidia-smi: ${smi.error ? "not found" : `failed (${smi.stderr.trim().split("\n")[0] ?? smi.status})`}`,
  );
  lines.push(`CUDA_VISIBLE_DEVICES: ${process.env.CUDA_VISIBLE_DEVICES ?? "(unset)"}`);
  lines.push(`TF_FORCE_GPU_ALLOW_GROWTH: ${process.env.TF_FORCE_GPU_ALLOW_GROWTH ?? "(unset)"}`);
  return lines;
}

function spawnTarget(target: Target, reps: number): { result: ChildResult; stderr: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, GPU_CHECK_CHILD: target, GPU_CHECK_REPS: String(reps) };
  // Every GPU hidden: tfjs-node-gpu's libtensorflow then runs on the CPU, the fair "same library, no GPU" baseline.
  if (target === "tensorflow-cpu") env.CUDA_VISIBLE_DEVICES = "-1";
  const r = spawnSync(process.execPath, [...process.execArgv, __filename], {
    env,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const line = (r.stdout ?? "").split("\n").find((l) => l.startsWith(RESULT));
  if (!line) {
    const tail = (r.stderr ?? "").trim().split("\n").slice(-3).join(" / ");
    return { result: { target, unavailable: `child exited ${r.status ?? r.signal}: ${tail}` }, stderr: r.stderr ?? "" };
  }
  return { result: JSON.parse(line.slice(RESULT.length)) as ChildResult, stderr: r.stderr ?? "" };
}

function parseArgs(argv: string[]): { targets: Target[]; reps?: number; requireGpu: boolean } {
  const targets: Target[] = [];
  let reps: number | undefined;
  let requireGpu = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--require-gpu") requireGpu = true;
    else if (arg === "--reps") {
      reps = Number(argv[++i]);
      if (!Number.isInteger(reps) || reps < 1) throw new Error("--reps needs a positive integer");
    } else if ((TARGETS as readonly string[]).includes(arg)) targets.push(arg as Target);
    else throw new Error(`unknown argument ${arg} (targets: ${TARGETS.join(", ")}; flags: --reps N, --require-gpu)`);
  }
  return { targets: targets.length ? targets : [...TARGETS], ...(reps !== undefined ? { reps } : {}), requireGpu };
}

function report(results: ChildResult[], gpuStderr: string): boolean {
  const ms = (t: ModelTiming | undefined, key: "firstMs" | "medianMs") => (t ? t[key].toFixed(1) : "-");
  console.log("\n| target | backend | device | LSTM first step ms | LSTM ms/step | CTC first step ms | CTC ms/step |");
  console.log("|---|---|---|---|---|---|---|");
  for (const r of results) {
    if (r.unavailable) {
      console.log(`| ${r.target} | - | unavailable: ${r.unavailable} | - | - | - | - |`);
      continue;
    }
    const reps = r.lstm ? ` (median of ${r.lstm.reps})` : "";
    console.log(
      `| ${r.target} | ${r.backend} | ${r.device} | ${ms(r.lstm, "firstMs")} | ${ms(r.lstm, "medianMs")}${reps} | ${ms(r.ctc, "firstMs")} | ${ms(r.ctc, "medianMs")}${reps} |`,
    );
  }

  const ran = results.filter((r) => !r.unavailable && r.lstm && r.ctc);
  const reference = ran.find((r) => r.target === "cpu") ?? ran.find((r) => r.target === "wasm") ?? ran[0];
  if (reference) {
    for (const r of ran) {
      for (const model of ["lstm", "ctc"] as const) {
        const a = r[model]?.firstLoss as number;
        const b = reference[model]?.firstLoss as number;
        const rel = Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);
        if (rel > LOSS_TOLERANCE)
          console.log(`WARNING: ${r.target} ${model} first-step loss ${a} differs from ${reference.target}'s ${b}`);
      }
    }
    console.log(
      `\nFirst-step losses (same seed and batch): ${ran.map((r) => `${r.target} lstm ${r.lstm?.firstLoss.toFixed(5)} ctc ${r.ctc?.firstLoss.toFixed(4)}`).join("; ")}`,
    );
  }

  const gpu = results.find((r) => r.target === "gpu");
  const onGpu = gpu !== undefined && !gpu.unavailable && gpu.gpu === true;
  if (onGpu && gpu.lstm && gpu.ctc) {
    for (const r of ran.filter((x) => x.target !== "gpu")) {
      console.log(
        `GPU vs ${r.target} (${r.device}): LSTM ${((r.lstm?.medianMs as number) / gpu.lstm.medianMs).toFixed(2)}x, ` +
          `CTC ${((r.ctc?.medianMs as number) / gpu.ctc.medianMs).toFixed(2)}x faster`,
      );
    }
    console.log(`\nGPU: yes, ${gpu.device}`);
  } else if (gpu) {
    console.log(`\nGPU: no. ${gpu.unavailable ?? `the gpu target ran on ${gpu.device}`}`);
    const hints = gpuStderr
      .split("\n")
      .filter((l) => GPU_LOG.test(l))
      .slice(-8);
    if (hints.length) console.log(`TensorFlow said:\n  ${hints.join("\n  ")}`);
  } else {
    console.log("\nGPU: not checked (gpu target not selected)");
  }
  return onGpu;
}

async function main(): Promise<void> {
  const child = process.env.GPU_CHECK_CHILD as Target | undefined;
  if (child) {
    const result = await runChild(child, Number(process.env.GPU_CHECK_REPS));
    console.log(RESULT + JSON.stringify(result));
    return;
  }
  const args = parseArgs(process.argv.slice(2));
  console.log("## seqlab GPU check\n");
  for (const line of environmentReport()) console.log(`- ${line}`);
  const results: ChildResult[] = [];
  let gpuStderr = "";
  for (const target of args.targets) {
    process.stderr.write(`running ${target} ...\n`);
    const { result, stderr } = spawnTarget(target, args.reps ?? DEFAULT_REPS[target]);
    if (target === "gpu") gpuStderr = stderr;
    results.push(result);
  }
  const onGpu = report(results, gpuStderr);
  if (args.requireGpu && !onGpu) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
