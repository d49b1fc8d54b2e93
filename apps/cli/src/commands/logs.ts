import type { Command } from "commander";
import { z } from "zod";
import { RunDetailResponse } from "../api-schemas";
import { EXIT_FAILURE, EXIT_INTERRUPTED } from "../cli-error";
import { addConnectionOptions, runPath, type CommandContext } from "../command-context";
import { parseFlags } from "../flags";
import { LogPrinter } from "../log-printer";
import { statusStyle } from "../output/colors";
import { isTerminalStatus } from "../run-status";
import { watchRunStream } from "../run-stream";
import { detachedLine, interruptible } from "./follow";

const LogsFlags = z.object({ follow: z.boolean().optional() });

/** `seqlab logs [-f] <id>`: the run's stored log, then (with -f) its live log and status changes until it ends. */
export function registerLogs(program: Command, ctx: CommandContext): void {
  const command = program
    .command("logs")
    .description("print a run's log; with -f, follow it until the run ends")
    .argument("<id>", "the run's id")
    .option("-f, --follow", "follow new lines and status changes until the run ends (exit 0 when it succeeds)");
  addConnectionOptions(command)
    .addHelpText("after", "\nWith -f, Ctrl-C stops following (exit 130); the run keeps training.")
    .action(async (id: string, _options: unknown, cmd: Command) => {
      const flags = parseFlags(LogsFlags, cmd.opts());
      const { io, colors } = ctx;
      const client = await ctx.connect(cmd);
      const printer = new LogPrinter(io, colors);
      const detail = (await client.json(runPath(id), RunDetailResponse)).data.run;
      printer.printStored(detail.events);
      if (!flags.follow) return;
      let status = detail.status;
      const showStatus = (next: string) => {
        printer.printNote(`status ${statusStyle(colors, next)(next)}`, io.now());
        status = next;
      };
      let interrupted = false;
      if (isTerminalStatus(status)) showStatus(status);
      else {
        const done = new AbortController();
        const interrupt = interruptible(io, done);
        try {
          await watchRunStream({
            client,
            runId: id,
            signal: done.signal,
            sleep: io.sleep,
            now: io.now,
            // Every connection re-reads the stored log: lines written while no stream was open are printed, once.
            onConnect: async () => {
              const again = (await client.json(runPath(id), RunDetailResponse)).data.run;
              printer.printStored(again.events);
              if (again.status !== status) showStatus(again.status);
              if (isTerminalStatus(status)) done.abort();
            },
            onEvent: (event) => {
              if (event.type === "log") printer.printLive(event.level, event.message, event.at);
              else if (event.type === "status" && event.status !== status) showStatus(event.status);
              if (isTerminalStatus(status)) done.abort();
            },
          });
        } finally {
          interrupt.release();
        }
        interrupted = interrupt.interrupted();
      }
      if (interrupted) {
        io.stdout.write(`${detachedLine(id)}\n`);
        ctx.setExitCode(EXIT_INTERRUPTED);
        return;
      }
      ctx.setExitCode(status === "SUCCEEDED" ? 0 : EXIT_FAILURE);
    });
}
