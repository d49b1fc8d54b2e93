import type { Command } from "commander";
import { z } from "zod";
import { QueuesResponse } from "../api-schemas";
import { addConnectionOptions, printJson, type CommandContext } from "../command-context";
import { parseFlags } from "../flags";
import { renderTable } from "../output/table";

/** `seqlab queues`: GET /api/v1/queues as a table. */
export function registerQueues(program: Command, ctx: CommandContext): void {
  const command = program
    .command("queues")
    .description("the queues: runs waiting and running in each, and the live workers that serve it")
    .option("--json", "print the server's answer as JSON");
  addConnectionOptions(command).action(async (_options: unknown, cmd: Command) => {
    const flags = parseFlags(z.object({ json: z.boolean().optional() }), cmd.opts());
    const client = await ctx.connect(cmd);
    const { data, raw } = await client.json("/api/v1/queues", QueuesResponse);
    if (flags.json) {
      printJson(ctx.io, raw);
      return;
    }
    const { io, colors } = ctx;
    if (data.queues.length === 0) {
      io.stdout.write("no queues yet: a queue appears when a worker serves it or a run waits in it\n");
      return;
    }
    io.stdout.write(
      renderTable(
        data.queues,
        [
          { header: "QUEUE", value: (q) => q.name, flexible: true },
          { header: "WAITING", value: (q) => String(q.waiting), align: "right" },
          { header: "RUNNING", value: (q) => String(q.running), align: "right" },
          {
            header: "WORKERS",
            value: (q) => String(q.workers),
            align: "right",
            // Runs waiting where no worker serves would wait forever: that is worth a colour.
            style: (q, text) => (q.workers === 0 && q.waiting > 0 ? colors.red(text) : text),
          },
        ],
        { width: io.stdout.isTTY ? io.stdout.columns : undefined, colors },
      ),
    );
  });
}
