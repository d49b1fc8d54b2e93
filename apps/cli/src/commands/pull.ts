import path from "node:path";
import type { Command } from "commander";
import { z } from "zod";
import { RunDetailResponse } from "../api-schemas";
import { chooseCheckpoint, safeFileName } from "../checkpoint-choice";
import { addConnectionOptions, runPath, type CommandContext } from "../command-context";
import { downloadVerified } from "../download";
import { NonEmpty, NonNegativeInt, parseFlags } from "../flags";
import { formatBytes, shortSha } from "../output/format";
import { outputPath } from "../output-path";

const PullFlags = z.object({ step: NonNegativeInt.optional(), output: NonEmpty.optional() });

/** `seqlab pull <id>`: a run's checkpoint, sha256-verified, into a file. */
export function registerPull(program: Command, ctx: CommandContext): void {
  const command = program
    .command("pull")
    .description("download a run's checkpoint (its newest, or the one at --step), verified by sha256")
    .argument("<id>", "the run's id")
    .option("--step <n>", "the checkpoint taken at this step (default: the newest)")
    .option(
      "-o, --output <file>",
      "where to save it (a directory: the default name inside it; default ./<run>-<checkpoint>.seqlab)",
    );
  addConnectionOptions(command)
    .addHelpText(
      "after",
      "\nThe file appears only when its sha256 matches both the server's header and the run's artifact list.",
    )
    .action(async (id: string, _options: unknown, cmd: Command) => {
      const flags = parseFlags(PullFlags, cmd.opts());
      const client = await ctx.connect(cmd);
      const run = (await client.json(runPath(id), RunDetailResponse)).data.run;
      const checkpoint = chooseCheckpoint(run.id, run.artifacts, flags.step);
      const target = await outputPath(ctx.io.cwd, flags.output, `${safeFileName(run.id, checkpoint.name)}.seqlab`);
      const { bytes, sha256 } = await downloadVerified({
        io: ctx.io,
        client,
        route: `/api/v1/artifacts/${encodeURIComponent(checkpoint.id)}`,
        target,
        verify: true,
        expected: { "the run's artifact list": checkpoint.sha256 },
      });
      const shown = path.relative(ctx.io.cwd, target) || target;
      ctx.io.stdout.write(
        `saved checkpoint ${checkpoint.name}${checkpoint.step === null ? "" : ` (step ${checkpoint.step})`} to ${shown}: ` +
          `${formatBytes(bytes)}, sha256 ${shortSha(sha256)}… verified\n`,
      );
    });
}
