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

/** Resolves once every message sent so far has been written to the channel (checkpoints can be megabytes). */
function flushed(): Promise<void> {
  return inFlight === 0 ? Promise.resolve() : new Promise((resolve) => (drained = resolve));
}

async function main(): Promise<void> {
  // An orphan must not keep training: if the worker dies, its IPC channel closes and so do we.
  const orphaned = () => process.exit(1);
  process.on("disconnect", orphaned);
  const env = parseTrainingProcessEnv();
  const backend = await initBackend({
    ...(env.SEQLAB_BACKEND ? { prefer: env.SEQLAB_BACKEND } : {}),
    // An empty CUDA_VISIBLE_DEVICES hides every GPU; unset means "any GPU this machine has".
    gpu: env.CUDA_VISIBLE_DEVICES === "" ? false : "auto",
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
