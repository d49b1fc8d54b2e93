import type { Command } from "commander";
import { z } from "zod";
import { WorkersResponse, type Worker } from "../api-schemas";
import { addConnectionOptions, printJson, type CommandContext } from "../command-context";
import { parseFlags } from "../flags";
import { formatAgo } from "../output/format";
import { renderTable } from "../output/table";

/** The style of a worker's state: green while it trains, red once lost. */
function stateStyle(ctx: CommandContext, state: string): (text: string) => string {
  if (state === "busy") return ctx.colors.cyan;
  if (state === "idle") return ctx.colors.green;
  if (state === "lost") return ctx.colors.red;
  return ctx.colors.dim;
}

/** `seqlab workers`: GET /api/v1/workers as a table. */
export function registerWorkers(program: Command, ctx: CommandContext): void {
  const command = program
    .command("workers")
    .description("the registered workers: state, backend, device, queues, current run")
    .option("--json", "print the server's answer as JSON");
  addConnectionOptions(command).action(async (_options: unknown, cmd: Command) => {
    const flags = parseFlags(z.object({ json: z.boolean().optional() }), cmd.opts());
    const client = await ctx.connect(cmd);
    const { data, raw } = await client.json("/api/v1/workers", WorkersResponse);
    if (flags.json) {
      printJson(ctx.io, raw);
      return;
    }
    const { io, colors } = ctx;
    if (data.workers.length === 0) {
      io.stdout.write("no workers registered: `seqlab start` runs one\n");
      return;
    }
    const now = io.now();
    io.stdout.write(
      renderTable<Worker>(
        data.workers,
        [
          // Operators see the id; everyone else a display name ("worker 2").
          { header: "WORKER", value: (w) => w.name ?? w.id ?? "-", flexible: true },
          { header: "STATE", value: (w) => w.state, style: (w, text) => stateStyle(ctx, w.state)(text) },
          { header: "BACKEND", value: (w) => w.backend },
          { header: "DEVICE", value: (w) => w.device, dropRank: 2 },
          { header: "QUEUES", value: (w) => w.queues.join(",") },
          { header: "RUN", value: (w) => w.currentRunId ?? "-" },
          { header: "HEARTBEAT", value: (w) => (w.lastHeartbeat ? formatAgo(w.lastHeartbeat, now) : "-"), dropRank: 1 },
        ],
        { width: io.stdout.isTTY ? io.stdout.columns : undefined, colors },
      ),
    );
  });
}
