import { EXTERNAL_HEARTBEAT_TIMEOUT_MS } from "@seqlab/contracts";
import { publishRunEvent } from "@seqlab/queue";
import type { Services } from "./services";

/**
 * Marks CRASHED the external runs whose scripts have gone silent (no points and no heartbeat for `timeoutMs`), and
 * tells live viewers. Every web process runs one: the marking is a single conditional UPDATE, so two processes
 * never mark a run twice or publish its change twice. Returns the runs it marked.
 */
export async function reapSilentExternalRuns(
  services: Pick<Services, "runs" | "redis">,
  timeoutMs = EXTERNAL_HEARTBEAT_TIMEOUT_MS,
): Promise<string[]> {
  const errorReason = "its script stopped sending points and heartbeats";
  const marked = await services.runs.markSilentExternalRunsCrashed(new Date(Date.now() - timeoutMs));
  for (const runId of marked) {
    await publishRunEvent(services.redis, { type: "status", runId, status: "CRASHED", errorReason }).catch(
      () => undefined,
    );
  }
  return marked;
}

/**
 * How often a web process looks for silent runs: a sixth of the timeout, so a dead script shows CRASHED at most
 * 10 s after its 60 s of silence.
 */
const REAP_INTERVAL_MS = EXTERNAL_HEARTBEAT_TIMEOUT_MS / 6;

/** Starts the periodic reaper of this web process; the returned function stops it. */
export function startExternalRunReaper(services: () => Pick<Services, "runs" | "redis">): () => void {
  const timer = setInterval(() => {
    reapSilentExternalRuns(services()).catch((error: unknown) =>
      console.error("[web] marking silent external runs crashed failed:", error),
    );
  }, REAP_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
