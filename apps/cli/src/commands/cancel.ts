import type { Command } from "commander";
import { z } from "zod";
import { CancelResponse } from "../api-schemas";
import { addConnectionOptions, printJson, runPath, type CommandContext } from "../command-context";
import { parseFlags } from "../flags";

/** `seqlab cancel <id>`: POST /api/v1/runs/:id/cancel. */
export function registerCancel(program: Command, ctx: CommandContext): void {
  const command = program
    .command("cancel")
    .description("cancel a run: a waiting one at once, a training one at its worker's next check")
    .argument("<id>", "the run's id")
    .option("--json", "print the server's answer as JSON");
  addConnectionOptions(command).action(async (id: string, _options: unknown, cmd: Command) => {
    const flags = parseFlags(z.object({ json: z.boolean().optional() }), cmd.opts());
    const client = await ctx.connect(cmd);
    const { data, raw } = await client.json(`${runPath(id)}/cancel`, CancelResponse, { method: "POST" });
    if (flags.json) {
      printJson(ctx.io, raw);
      return;
    }
    ctx.io.stdout.write(
      data.outcome === "cancelled"
        ? `cancelled run ${id}\n`
        : data.outcome === "requested"
          ? `cancel requested: run ${id} stops at its worker's next check (it keeps its last checkpoint)\n`
          : `run ${id}: ${data.outcome}\n`,
    );
  });
}
