/**
 * Entry point of a training process, forked by the worker (see trainer-process.ts). It picks the tfjs backend
 * at once, so a warm process is ready before a job arrives, then trains exactly one attempt and exits.
 * Training blocks this process's event loop, never the worker's: BullMQ's lock renewal, heartbeats and
 * database writes stay on time however long a step takes.
 */
import { initBackend } from "@seqlab/models";
import { ChildMessage, ParentMessage } from "./trainer-protocol";
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
  const prefer = process.env.SEQLAB_BACKEND as "tensorflow" | "wasm" | "cpu" | undefined;
  const backend = await initBackend(prefer ? { prefer } : undefined);
  let stop: StopReason | null = null;
  let started = false;
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
    if (started) return;
    started = true;
    void runTrainingLoop({
      runId: message.runId,
      attempt: message.attempt,
      config: message.config,
      checkpoint: message.checkpoint,
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
