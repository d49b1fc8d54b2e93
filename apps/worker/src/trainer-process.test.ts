import path from "node:path";
import { TrainerProcess } from "./trainer-process";

/** The repository root, where the training process's `--import tsx` resolves (as create-worker passes it). */
const ROOT = path.resolve(__dirname, "../../..");

// Real training processes: tsx start-up plus the wasm backend take a few seconds each on a shared machine.
jest.setTimeout(60_000);

describe("TrainerProcess: the GPU choice reaches the training process's backend selection", () => {
  const started: TrainerProcess[] = [];
  afterEach(() => {
    for (const p of started.splice(0)) p.kill();
  });
  function start(cudaVisibleDevices: string): TrainerProcess {
    const p = new TrainerProcess({ memoryMb: 1024, cudaVisibleDevices, cwd: ROOT });
    started.push(p);
    return p;
  }

  test("a GPU named with CUDA_VISIBLE_DEVICES (what --device sets) is required: no GPU here, so no start", async () => {
    // This machine has neither a GPU nor tfjs-node-gpu: training on wasm instead would be the silent fallback.
    const exit = await start("0").exited;
    expect(exit.code).not.toBe(0);
    expect(exit.stderrTail).toMatch(/GPU required \(gpu: true\) but tfjs-node-gpu did not load/);
  });

  test("an empty CUDA_VISIBLE_DEVICES hides every GPU: the process starts on a non-GPU backend", async () => {
    const ready = await start("").ready;
    expect(["wasm", "cpu"]).toContain(ready.backend);
    expect(ready.device).not.toMatch(/CUDA GPU/);
  });
});
