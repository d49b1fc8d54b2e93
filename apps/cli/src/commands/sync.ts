import { defaultSpoolDir, syncSpool } from "@seqlab/sdk";
import type { Command } from "commander";
import { z } from "zod";
import { CliError, EXIT_FAILURE } from "../cli-error";
import { addConnectionOptions, printJson, type CommandContext } from "../command-context";
import { resolveConnection } from "../connection";
import { NonEmpty, parseFlags } from "../flags";
import { createProgressDisplay } from "../progress-display";

const SyncFlags = z.object({ spoolDir: NonEmpty.optional(), json: z.boolean().optional() });

/** "1 batch", "3 batches". */
function batches(n: number): string {
  return `${n} ${n === 1 ? "batch" : "batches"}`;
}

/**
 * `seqlab sync`: sends the points the SDK spooled to disk while the server was away (syncSpool). Exits 1 when
 * anything was left or refused, so `seqlab sync && ...` goes on only when the spool is empty.
 */
export function registerSync(program: Command, ctx: CommandContext): void {
  const command = program
    .command("sync")
    .description("send the metric points the SDK kept on disk while the server was away")
    .option("--spool-dir <dir>", "the spool to send (default: SEQLAB_SPOOL_DIR or ~/.local/state/seqlab/spool)")
    .option("--json", "print the report as JSON");
  addConnectionOptions(command).action(async (_options: unknown, cmd: Command) => {
    const flags = parseFlags(SyncFlags, cmd.opts());
    const { io } = ctx;
    const connection = await resolveConnection(cmd.optsWithGlobals<{ url?: string; key?: string }>(), io.env);
    const display = createProgressDisplay(io, { format: "{bar} {value}/{total} batches", ttyOnly: true });
    let report;
    try {
      report = await syncSpool({
        url: connection.url,
        apiKey: connection.apiKey,
        spoolDir: flags.spoolDir ?? defaultSpoolDir(io.env),
        fetch: io.fetch,
        onProgress: (progress) => {
          const done = progress.sent.batches + progress.left.batches + progress.refused.batches;
          display.update({ value: done, total: progress.total, payload: {}, line: "" });
        },
      });
    } catch (error) {
      throw new CliError(`cannot sync the spool: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      display.stop();
    }
    if (flags.json) printJson(io, report);
    else {
      const refused = report.refused.batches > 0 ? `, ${batches(report.refused.batches)} refused as invalid` : "";
      const problem =
        report.problem && (report.left.batches > 0 || report.refused.batches > 0) ? `: ${report.problem}` : "";
      io.stdout.write(`sent ${batches(report.sent.batches)}, ${report.left.batches} left${refused}${problem}\n`);
    }
    if (report.left.batches > 0 || report.refused.batches > 0) ctx.setExitCode(EXIT_FAILURE);
  });
}
