import { formatFieldRef, parseFieldRef } from "@seqlab/contracts";
import type { Command } from "commander";
import { z } from "zod";
import { RunsListResponse, type CliRunRow } from "../api-schemas";
import { addConnectionOptions, printJson, type CommandContext } from "../command-context";
import { NonEmpty, PositiveInt, parseFlags } from "../flags";
import { statusStyle } from "../output/colors";
import { formatAgo, formatMetric } from "../output/format";
import { renderTable, type Column } from "../output/table";

/** The server caps a page at 1000 rows; the CLI asks for 50 unless told, a screenful or two. */
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 1000;

const ListFlags = z.object({
  filter: NonEmpty.optional(),
  sort: NonEmpty.optional(),
  team: NonEmpty.optional(),
  project: NonEmpty.optional(),
  limit: PositiveInt.pipe(z.number().max(MAX_LIMIT, `must be at most ${MAX_LIMIT}`)).optional(),
  json: z.boolean().optional(),
});

/** The column asked for beside the summary: the latest training loss (`finalLoss` stands in without it). */
const LOSS_COLUMN = "summary.train/loss";
/** The key the server files that column's values under (its canonical field text). */
const LOSS_KEY = formatFieldRef(parseFieldRef(LOSS_COLUMN));

function lossOf(row: CliRunRow): number | null {
  const value = row.values[LOSS_KEY];
  return typeof value === "number" ? value : row.finalLoss;
}

/** `seqlab runs ls`: GET /api/v1/runs as a table sized to the terminal. */
export function registerRunsList(runs: Command, ctx: CommandContext): void {
  const command = runs
    .command("ls")
    .alias("list")
    .description("list runs, newest first")
    .option("--filter <expr>", 'the runs table\'s filter, e.g. "status = RUNNING AND summary.val/loss.min < 0.3"')
    .option("--sort <fields>", "sort fields, comma-separated, - for descending, e.g. -summary.val/loss.min,created")
    .option("--team <slug>", "only this team's runs")
    .option("--project <slug>", "only this project's runs")
    .option("--limit <n>", `at most this many runs, 1-${MAX_LIMIT} (default ${DEFAULT_LIMIT})`)
    .option("--json", "print the server's answer as JSON");
  addConnectionOptions(command).action(async (_options: unknown, cmd: Command) => {
    const flags = parseFlags(ListFlags, cmd.opts());
    const client = await ctx.connect(cmd);
    const { data, raw } = await client.json("/api/v1/runs", RunsListResponse, {
      query: {
        filter: flags.filter,
        sort: flags.sort,
        team: flags.team,
        project: flags.project,
        limit: flags.limit ?? DEFAULT_LIMIT,
        columns: LOSS_COLUMN,
      },
    });
    if (flags.json) {
      printJson(ctx.io, raw);
      return;
    }
    const { io, colors } = ctx;
    if (data.runs.length === 0) {
      io.stdout.write(flags.filter ? "no runs match the filter\n" : "no runs yet: start one with `seqlab launch`\n");
      return;
    }
    const now = io.now();
    const columns: Column<CliRunRow>[] = [
      { header: "ID", value: (r) => r.id },
      { header: "NAME", value: (r) => r.name, flexible: true },
      { header: "STATUS", value: (r) => r.status, style: (r, text) => statusStyle(colors, r.status)(text) },
      { header: "MODEL", value: (r) => r.modelName, dropRank: 1 },
      { header: "DATASET", value: (r) => r.datasetName, dropRank: 2 },
      { header: "STEP", value: (r) => (r.lastStep === null ? "-" : String(r.lastStep)), align: "right" },
      {
        header: "LOSS",
        value: (r) => {
          const loss = lossOf(r);
          return loss === null ? "-" : formatMetric(loss);
        },
        align: "right",
      },
      { header: "CREATED", value: (r) => formatAgo(r.createdAt, now), dropRank: 3 },
    ];
    io.stdout.write(
      renderTable(data.runs, columns, { width: io.stdout.isTTY ? io.stdout.columns : undefined, colors }),
    );
    if (data.total > data.offset + data.runs.length) {
      io.stdout.write(colors.dim(`${data.runs.length} of ${data.total} runs (--limit shows more)`) + "\n");
    }
  });
}
