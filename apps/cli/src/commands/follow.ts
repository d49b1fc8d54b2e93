import type { ApiClient } from "../api-client";
import { RunDetailResponse, type CliRunDetail } from "../api-schemas";
import { EXIT_FAILURE, EXIT_INTERRUPTED } from "../cli-error";
import type { CliIo } from "../cli-io";
import { runPath, type CommandContext } from "../command-context";
import { formatDuration } from "../output/format";
import { statusStyle } from "../output/colors";
import { createProgressDisplay } from "../progress-display";
import { RUN_BAR_FORMAT, RunProgress } from "../run-progress";
import { isTerminalStatus } from "../run-status";
import { watchRunStream } from "../run-stream";

/** The line printed when Ctrl-C detaches from a followed run (which keeps training). */
export function detachedLine(runId: string): string {
  return `detached: run ${runId} keeps training; follow again with \`seqlab logs -f ${runId}\``;
}

/**
 * Ctrl-C while following: stops watching (never cancels the run) and resolves. Returns a function that tells
 * whether it happened, and one that removes the handler.
 */
export function interruptible(io: CliIo, abort: AbortController): { interrupted: () => boolean; release: () => void } {
  let interrupted = false;
  const release = io.onInterrupt(() => {
    interrupted = true;
    abort.abort();
  });
  return { interrupted: () => interrupted, release };
}

/** How long a finished run took, when it says: `started` to `finished`. */
function elapsed(run: CliRunDetail): string | null {
  if (!run.startedAt || !run.finishedAt) return null;
  return formatDuration(Date.parse(run.finishedAt) - Date.parse(run.startedAt));
}

/**
 * Follows a run to its end with a live progress bar (a line a second without a terminal): step of total steps,
 * steps per second, ETA, the latest metrics and the status, from GET /api/v1/runs/:id/stream, reconnecting when it
 * drops. Prints a summary line at the end and resolves with the exit code: 0 when the run SUCCEEDED, 1 when it
 * ended otherwise, 130 when Ctrl-C detached (the run keeps training).
 */
export async function followRun(ctx: CommandContext, client: ApiClient, runId: string): Promise<number> {
  const { io, colors } = ctx;
  const initial = (await client.json(runPath(runId), RunDetailResponse)).data.run;
  const progress = new RunProgress(initial);
  const display = createProgressDisplay(io, { format: RUN_BAR_FORMAT });
  const done = new AbortController();
  const interrupt = interruptible(io, done);
  let outage = false;
  try {
    if (!isTerminalStatus(progress.status)) {
      display.update(progress.frame(), true);
      await watchRunStream({
        client,
        runId,
        signal: done.signal,
        sleep: io.sleep,
        now: io.now,
        onConnect: () => {
          progress.connectionNote = null;
          outage = false;
        },
        // A terminal shows the outage in the bar; a log gets one line per outage, on stderr, and no repeated
        // progress lines (the snapshot after the reconnect draws the frame already printed, which is skipped).
        onDisconnect: (reason) => {
          if (io.stdout.isTTY) {
            progress.connectionNote = "reconnecting";
            display.update(progress.frame(), true);
          } else if (!outage) {
            io.stderr.write(`seqlab: lost the live stream (${reason}); reconnecting\n`);
          }
          outage = true;
        },
        onEvent: (event) => {
          const { statusChanged } = progress.apply(event);
          display.update(progress.frame(), statusChanged);
          if (isTerminalStatus(progress.status)) done.abort();
        },
      });
    }
  } catch (error) {
    display.stop();
    throw error;
  } finally {
    interrupt.release();
  }
  if (interrupt.interrupted()) {
    display.stop();
    io.stdout.write(`${detachedLine(runId)}\n`);
    return EXIT_INTERRUPTED;
  }
  // The stored run has the final step, the times and the reason; the stream's last state stands in if it is away.
  const final = await client.json(runPath(runId), RunDetailResponse).then(
    (answer) => answer.data.run,
    () => null,
  );
  if (final) progress.settle(final);
  display.update(progress.frame());
  display.stop();
  const status = progress.status;
  const step = progress.step;
  const took = final ? elapsed(final) : null;
  const metrics = progress.metricsText();
  const reason = progress.errorReason;
  const total = progress.totalSteps === null ? "" : `/${progress.totalSteps}`;
  io.stdout.write(
    `run ${runId} ${statusStyle(colors, status)(status)} at step ${step}${total}` +
      (took ? ` after ${took}` : "") +
      (metrics ? ` (${metrics})` : "") +
      (reason && status !== "SUCCEEDED" ? `: ${reason}` : "") +
      "\n",
  );
  return status === "SUCCEEDED" ? 0 : EXIT_FAILURE;
}
