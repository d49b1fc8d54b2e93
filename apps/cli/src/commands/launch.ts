import type { Command } from "commander";
import { z } from "zod";
import { CatalogResponse, LaunchResponse } from "../api-schemas";
import { CliError, usageError } from "../cli-error";
import { addConnectionOptions, printJson, type CommandContext } from "../command-context";
import { Int, NonEmpty, NonNegativeInt, collectKeyValue, parseFlags } from "../flags";
import { followRun } from "./follow";

const LaunchFlags = z.object({
  param: z.record(z.string(), z.unknown()).optional(),
  data: z.record(z.string(), z.unknown()).optional(),
  train: z.record(z.string(), z.unknown()).optional(),
  seed: NonNegativeInt.optional(),
  name: NonEmpty.optional(),
  team: NonEmpty.optional(),
  project: NonEmpty.optional(),
  queue: NonEmpty.optional(),
  priority: Int.optional(),
  follow: z.boolean().optional(),
  json: z.boolean().optional(),
});
type LaunchFlags = z.infer<typeof LaunchFlags>;

/** The launch request (`LaunchRunRequest`) from the command line; what is not given is the server's default. */
export function launchRequest(model: string, dataset: string, flags: LaunchFlags): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model,
    dataset,
    modelHyperparameters: flags.param ?? {},
    datasetParams: flags.data ?? {},
    training: flags.train ?? {},
  };
  for (const field of ["seed", "name", "team", "project", "queue", "priority"] as const) {
    if (flags[field] !== undefined) body[field] = flags[field];
  }
  return body;
}

/** "unknown model "foo": known models are rnn, lstm, ..." when `name` is not in the catalog's list. */
function checkKnown(kind: "model" | "dataset", name: string, known: readonly { name: string }[]): void {
  if (known.some((entry) => entry.name === name)) return;
  const names = known.map((entry) => entry.name).join(", ");
  throw new CliError(`unknown ${kind} ${JSON.stringify(name)}: known ${kind}s are ${names || "(none)"}`);
}

/** The run's page in the dashboard. */
export function runUrl(base: string, run: { id: string; team: string; project: string }): string {
  const part = encodeURIComponent;
  return `${base}/t/${part(run.team)}/p/${part(run.project)}/runs/${part(run.id)}`;
}

/** `seqlab launch <model> <dataset>`: POST /api/v1/runs after checking the names against the catalog. */
export function registerLaunch(program: Command, ctx: CommandContext): void {
  const command = program
    .command("launch")
    .description("launch a training run on the queue")
    .argument("<model>", "a model of the catalog, e.g. lstm")
    .argument("<dataset>", "a dataset of the catalog, e.g. adding")
    .option("-p, --param <key=value>", "a model hyperparameter (repeatable)", collectKeyValue)
    .option("-d, --data <key=value>", "a dataset parameter (repeatable)", collectKeyValue)
    .option(
      "-t, --train <key=value>",
      "a training setting: steps, batchSize, learningRate, ... (repeatable)",
      collectKeyValue,
    )
    .option("--seed <n>", "seeds data generation and weight initialisation (server default 42)")
    .option("--name <name>", "the run's name (default: model, dataset and time)")
    .option("--team <slug>", "the team to launch in (needed when you belong to several)")
    .option("--project <slug>", 'the project (default "default")')
    .option("--queue <name>", 'the queue (hardware class) whose workers train it (default "default")')
    .option("--priority <n>", "higher runs first, -100..100 (default 0)")
    .option("-f, --follow", "then follow its progress until it ends (exit 0 when it succeeds, 1 otherwise)")
    .option("--json", "print the server's answer as JSON");
  addConnectionOptions(command)
    .addHelpText(
      "after",
      [
        "",
        "Values are JSON when they parse as JSON (numbers, booleans, arrays), text otherwise.",
        "",
        "Example:",
        "  seqlab launch lstm adding -p units=64 -p layers=2 -d length=50 -t steps=2000 -t learningRate=0.01 --follow",
        "",
        "With --follow, Ctrl-C detaches (exit 130): the run keeps training; `seqlab logs -f <id>` follows it again.",
      ].join("\n"),
    )
    .action(async (model: string, dataset: string, _options: unknown, cmd: Command) => {
      const flags = parseFlags(LaunchFlags, cmd.opts());
      if (flags.follow && flags.json) {
        throw usageError("--follow and --json do not go together: follow prints progress, not JSON");
      }
      const client = await ctx.connect(cmd);
      const catalog = await client.json("/api/v1/catalog", CatalogResponse);
      checkKnown("model", model, catalog.data.models);
      checkKnown("dataset", dataset, catalog.data.datasets);
      const launched = await client.json("/api/v1/runs", LaunchResponse, {
        method: "POST",
        json: launchRequest(model, dataset, flags),
      });
      if (flags.json) {
        printJson(ctx.io, launched.raw);
        return;
      }
      const { run, warnings } = launched.data;
      for (const warning of warnings) ctx.io.stderr.write(`seqlab: warning: ${warning}\n`);
      ctx.io.stdout.write(`launched run ${ctx.colors.bold(run.id)} (${run.name}): ${runUrl(client.url, run)}\n`);
      if (flags.follow) ctx.setExitCode(await followRun(ctx, client, run.id));
    });
}
