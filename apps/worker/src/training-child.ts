/**
 * Entry point of a training process, forked by the worker (see trainer-process.ts). It picks the tfjs backend
 * at once, so a warm process is ready before a job arrives, then trains exactly one attempt and exits.
 * Training blocks this process's event loop, never the worker's: BullMQ's lock renewal, heartbeats and
 * database writes stay on time however long a step takes.
 */
import { initBackend } from "@seqlab/models";
import { parseTrainingProcessEnv } from "./env";
import { type ChildMessage, ParentMessage, type ResumeCandidate } from "./trainer-protocol";
import { runTrainingLoop, type StopReason } from "./training-loop";

/** Messages handed to IPC but not yet written; the process must not exit before they are. */
let inFlight = 0;
let drained: (() => void) | null = null;

function send(message: ChildMessage): void {
  if (!process.connected) return;
  inFlight++;
  process.send?.(message, undefined, undefined, () => {
    inFlight--;
    if (inFlight === 0) drained?.();
  });
}

/** Resolves once every message sent so far has been written to the channel (the last checkpoint's, "done"). */
function flushed(): Promise<void> {
  return inFlight === 0 ? Promise.resolve() : new Promise((resolve) => (drained = resolve));
}

/**
 * The backend's GPU option for this process's CUDA_VISIBLE_DEVICES, read as CUDA reads it. Unset: any GPU the
 * machine has ("auto": tfjs-node-gpu if a /dev/nvidia<N> exists). Empty, or a list starting with -1: no GPU.
 * Anything else (`0`, `1,2`, `GPU-<uuid>`, `MIG-<uuid>`, what --device sets) names GPUs, so one is required: the
 * process fails to start, with TensorFlow's reason, rather than train a "gpu" queue job on the CPU unnoticed.
 */
function gpuOption(cudaVisibleDevices: string | undefined): boolean | "auto" {
  if (cudaVisibleDevices === undefined) return "auto";
  const first = cudaVisibleDevices.split(",")[0]?.trim() ?? "";
  return first !== "" && first !== "-1";
}

async function main(): Promise<void> {
  // An orphan must not keep training: if the worker dies, its IPC channel closes and so do we.
  const orphaned = () => process.exit(1);
  process.on("disconnect", orphaned);
  const env = parseTrainingProcessEnv();
  const backend = await initBackend({
    ...(env.SEQLAB_BACKEND ? { prefer: env.SEQLAB_BACKEND } : {}),
    gpu: gpuOption(env.CUDA_VISIBLE_DEVICES),
  });
  let stop: StopReason | null = null;
  let started = false;
  let answerNextCheckpoint: ((candidate: ResumeCandidate | undefined) => void) | null = null;
  process.on("message", (raw) => {
    const parsed = ParentMessage.safeParse(raw);
    if (!parsed.success) {
      send({
        type: "log",
        level: "error",
        message: `training process: ignored a malformed message: ${parsed.error.message}`,
      });
      return;
    }
    const message = parsed.data;
    if (message.type === "stop") {
      stop = message.reason;
      return;
    }
    if (message.type === "next-checkpoint") {
      answerNextCheckpoint?.(message.checkpoint);
      answerNextCheckpoint = null;
      return;
    }
    if (started) return;
    started = true;
    void runTrainingLoop({
      runId: message.runId,
      attempt: message.attempt,
      config: message.config,
      checkpoint: message.checkpoint,
      nextCheckpoint: () => new Promise((resolve) => (answerNextCheckpoint = resolve)),
      fault: message.fault,
      spoolDir: message.spoolDir,
      emit: send,
      stopRequested: () => stop,
    })
      .then(flushed)
      .finally(() => {
        // Every message (the last checkpoint, "done") is written: now leave, and not as an orphan.
        process.off("disconnect", orphaned);
        process.exit(0);
      });
  });
  send({ type: "ready", backend: backend.backend, reason: backend.reason, device: backend.device });
}

main().catch((error) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
