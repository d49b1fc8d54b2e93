/**
 * Entry point of a training process, forked by the worker (see trainer-process.ts). It picks the tfjs backend
 * at once, so a warm process is ready before a job arrives, then trains exactly one attempt and exits.
 * Training blocks this process's event loop, never the worker's: BullMQ's lock renewal, heartbeats and
 * database writes stay on time however long a step takes.
 */
import { initBackend } from "@seqlab/models";
import { ChildMessage, ParentMessage } from "./trainer-protocol";
import { runTrainingLoop, type StopReason } from "./training-loop";

function send(message: ChildMessage): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  // An orphan must not keep training: if the worker dies, its IPC channel closes and so do we.
  process.on("disconnect", () => process.exit(1));
  const prefer = process.env.SEQLAB_BACKEND as "tensorflow" | "wasm" | "cpu" | undefined;
  const backend = await initBackend(prefer ? { prefer } : undefined);
  let stop: StopReason | null = null;
  let started = false;
  process.on("message", (raw) => {
    const parsed = ParentMessage.safeParse(raw);
    if (!parsed.success) {
      send({ type: "log", level: "error", message: `training process: ignored a malformed message: ${parsed.error.message}` });
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
    }).finally(() => {
      // Give the IPC channel a moment to drain the last messages, then leave.
      process.disconnect?.();
      setTimeout(() => process.exit(0), 50).unref();
    });
  });
  send({ type: "ready", backend: backend.backend, reason: backend.reason, device: backend.device });
}

main().catch((error) => {
  console.error(error instanceof Error ? error.stack ?? error.message : error);
  process.exit(1);
});
