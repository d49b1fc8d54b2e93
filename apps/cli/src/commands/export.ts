import path from "node:path";
import type { Command } from "commander";
import { z } from "zod";
import type { ApiClient } from "../api-client";
import { RunDetailResponse } from "../api-schemas";
import { chooseCheckpoint, safeFileName } from "../checkpoint-choice";
import { CliError, usageError } from "../cli-error";
import { addConnectionOptions, runPath, type CommandContext } from "../command-context";
import { downloadVerified } from "../download";
import { NonEmpty, NonNegativeInt, parseFlags } from "../flags";
import { formatBytes, shortSha } from "../output/format";
import { outputPath } from "../output-path";

const ExportFlags = z.object({
  step: NonNegativeInt.optional(),
  format: z.enum(["safetensors"], { error: 'must be "safetensors"' }).optional(),
  metrics: z.enum(["csv", "json"], { error: 'must be "csv" or "json"' }).optional(),
  keys: NonEmpty.optional(),
  output: NonEmpty.optional(),
});
type ExportFlags = z.infer<typeof ExportFlags>;

/** Writes the run's points (GET /api/v1/runs/:id/metrics) to stdout as they arrive. */
async function metricsToStdout(ctx: CommandContext, client: ApiClient, id: string, flags: ExportFlags): Promise<void> {
  const response = await client.open(`${runPath(id)}/metrics`, { query: { format: flags.metrics, keys: flags.keys } });
  if (!response.body) return;
  const decoder = new TextDecoder();
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      ctx.io.stdout.write(decoder.decode(value, { stream: true }));
    }
  } catch (error) {
    throw new CliError(`the metrics export broke off: ${error instanceof Error ? error.message : String(error)}`);
  }
  ctx.io.stdout.write(decoder.decode());
}

/** `seqlab export <id>`: a checkpoint as safetensors, or (`--metrics csv|json`) the run's metric points. */
export function registerExport(program: Command, ctx: CommandContext): void {
  const command = program
    .command("export")
    .description("export a run's checkpoint as safetensors, or with --metrics its metric points as CSV or JSON")
    .argument("<id>", "the run's id")
    .option("--step <n>", "the checkpoint taken at this step (default: the newest)")
    .option("--format <format>", "the checkpoint's format: safetensors (the only one; default)")
    .option("--metrics <format>", "export the run's metric points instead, as csv or json")
    .option("--keys <keys>", "with --metrics: only these metric keys, comma-separated (e.g. train/loss,val/loss)")
    .option(
      "-o, --output <file>",
      "where to save it (a directory: the default name inside it; with --metrics, - is stdout); " +
        "default ./<run>-<checkpoint>.safetensors or ./<run>-metrics.<csv|json>",
    );
  addConnectionOptions(command)
    .addHelpText(
      "after",
      [
        "",
        "Examples:",
        "  seqlab export <id>                      newest checkpoint as <id>-<checkpoint>.safetensors",
        "  seqlab export <id> --step 500 -o m.safetensors",
        "  seqlab export <id> --metrics csv -o -   every point (key,step,value,wall_time) to stdout",
        "",
        "A checkpoint is saved only when its sha256 matches the server's x-content-sha256 header.",
      ].join("\n"),
    )
    .action(async (id: string, _options: unknown, cmd: Command) => {
      const flags = parseFlags(ExportFlags, cmd.opts());
      if (flags.metrics && (flags.step !== undefined || flags.format)) {
        throw usageError("--metrics exports points: it takes no --step or --format (those choose a checkpoint)");
      }
      if (!flags.metrics && flags.keys) throw usageError("--keys goes with --metrics");
      if (!flags.metrics && flags.output === "-")
        throw usageError("-o - (stdout) is for --metrics: a checkpoint is binary");
      const client = await ctx.connect(cmd);
      const shown = (target: string) => path.relative(ctx.io.cwd, target) || target;
      if (flags.metrics) {
        if (flags.output === "-") {
          await metricsToStdout(ctx, client, id, flags);
          return;
        }
        const target = await outputPath(ctx.io.cwd, flags.output, `${safeFileName(id, "metrics")}.${flags.metrics}`);
        const { bytes } = await downloadVerified({
          io: ctx.io,
          client,
          route: `${runPath(id)}/metrics`,
          query: { format: flags.metrics, keys: flags.keys },
          target,
          verify: false,
        });
        ctx.io.stdout.write(`saved the metrics of run ${id} to ${shown(target)}: ${formatBytes(bytes)}\n`);
        return;
      }
      const run = (await client.json(runPath(id), RunDetailResponse)).data.run;
      const checkpoint = chooseCheckpoint(run.id, run.artifacts, flags.step);
      const target = await outputPath(ctx.io.cwd, flags.output, `${safeFileName(run.id, checkpoint.name)}.safetensors`);
      const { bytes, sha256 } = await downloadVerified({
        io: ctx.io,
        client,
        route: `/api/v1/artifacts/${encodeURIComponent(checkpoint.id)}/export`,
        query: { format: flags.format ?? "safetensors" },
        target,
        verify: true,
      });
      ctx.io.stdout.write(
        `saved checkpoint ${checkpoint.name}${checkpoint.step === null ? "" : ` (step ${checkpoint.step})`} as safetensors ` +
          `to ${shown(target)}: ${formatBytes(bytes)}, sha256 ${shortSha(sha256)}… verified\n`,
      );
    });
}
