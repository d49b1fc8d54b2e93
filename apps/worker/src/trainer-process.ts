import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import { inheritedEnvironment } from "./env";
import { ChildMessage, type ParentMessage } from "./trainer-protocol";

export interface TrainerProcessOptions {
  backend?: "tensorflow" | "wasm" | "cpu";
  /** V8 heap limit of the training process; past it the process dies and the run fails with an out-of-memory error. */
  memoryMb: number;
  /** GPU the process may see (CUDA_VISIBLE_DEVICES). */
  cudaVisibleDevices?: string;
  /** Directory the process runs in (the repository root, where `tsx` resolves). */
  cwd: string;
}

export interface TrainerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Last lines the process wrote to stderr (an out-of-memory report, a native crash). */
  stderrTail: string;
}

/** Lines of stderr kept for the failure reason of a crashed process. */
const STDERR_TAIL_LINES = 20;

/** A forked training process: ready once its backend is chosen; one attempt, then it exits. */
export class TrainerProcess {
  readonly child: ChildProcess;
  readonly ready: Promise<Extract<ChildMessage, { type: "ready" }>>;
  readonly exited: Promise<TrainerExit>;
  private listeners: ((message: ChildMessage) => void)[] = [];
  private stderrLines: string[] = [];
  /** Lines the process wrote to stdout/stderr, for the run's log. */
  onOutput: (line: string, stream: "stdout" | "stderr") => void = () => undefined;

  constructor(options: TrainerProcessOptions) {
    const inherited = inheritedEnvironment();
    this.child = fork(path.join(__dirname, "training-child.ts"), [], {
      cwd: options.cwd,
      execArgv: ["--import", "tsx", `--max-old-space-size=${options.memoryMb}`],
      serialization: "advanced",
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      env: {
        // TensorFlow otherwise reserves nearly all of a GPU's memory at start-up, so a second training process on
        // the same GPU (concurrency 2, a warm process beside a running one) fails to allocate. Growth allocates as
        // needed; a value the user set (false, to keep one big reservation) is kept.
        ...(inherited.TF_FORCE_GPU_ALLOW_GROWTH === undefined ? { TF_FORCE_GPU_ALLOW_GROWTH: "true" } : {}),
        ...inherited,
        ...(options.backend ? { SEQLAB_BACKEND: options.backend } : {}),
        ...(options.cudaVisibleDevices !== undefined ? { CUDA_VISIBLE_DEVICES: options.cudaVisibleDevices } : {}),
      },
    });
    const lines = (stream: "stdout" | "stderr") => {
      let buffered = "";
      return (chunk: Buffer) => {
        buffered += chunk.toString();
        const parts = buffered.split("\n");
        buffered = parts.pop() ?? "";
        for (const line of parts) {
          // tfjs's "install the node backend" banner on the cpu backend is advice, not a run event.
          if (
            !line.trim() ||
            /^=+$/.test(line.trim()) ||
            line.includes("looks like you are running TensorFlow.js in Node.js")
          )
            continue;
          if (stream === "stderr") {
            this.stderrLines.push(line);
            if (this.stderrLines.length > STDERR_TAIL_LINES) this.stderrLines.shift();
          }
          this.onOutput(line, stream);
        }
      };
    };
    this.child.stdout?.on("data", lines("stdout"));
    this.child.stderr?.on("data", lines("stderr"));
    this.child.on("message", (raw) => {
      const parsed = ChildMessage.safeParse(raw);
      if (parsed.success) for (const l of this.listeners) l(parsed.data);
    });
    this.exited = new Promise((resolve) => {
      this.child.once("exit", (code, signal) => resolve({ code, signal, stderrTail: this.stderrLines.join("\n") }));
    });
    this.ready = new Promise((resolve, reject) => {
      const off = this.on((m) => {
        if (m.type === "ready") {
          off();
          resolve(m);
        }
      });
      void this.exited.then((exit) =>
        reject(
          new Error(`training process exited before it was ready (${exit.signal ?? exit.code}): ${exit.stderrTail}`),
        ),
      );
    });
    // A rejection nobody awaited yet must not crash the worker.
    this.ready.catch(() => undefined);
  }

  on(listener: (message: ChildMessage) => void): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  send(message: ParentMessage): void {
    if (this.child.connected) this.child.send(message);
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  kill(signal: NodeJS.Signals = "SIGKILL"): void {
    if (this.alive) this.child.kill(signal);
  }
}
