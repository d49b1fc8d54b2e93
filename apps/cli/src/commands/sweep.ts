import { readFile } from "node:fs/promises";
import { formatIssues, SweepDefinition, SweepSummary } from "@seqlab/contracts";
import type { Command } from "commander";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { CliError, EXIT_USAGE } from "../cli-error";
import { addConnectionOptions, printJson, type CommandContext } from "../command-context";
import { parseFlags } from "../flags";
import { renderTable } from "../output/table";

/** The server's answer to a new sweep; fields this CLI does not know are kept. */
const CreatedSweep = z.looseObject({ sweep: z.looseObject({ id: z.string(), name: z.string() }), url: z.string() });
const SweepList = z.looseObject({ sweeps: z.array(SweepSummary.extend({ status: z.string() })) });

/** A definition file: YAML (JSON is YAML too), checked against the contract before anything is sent. */
async function readDefinition(file: string): Promise<SweepDefinition> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`, EXIT_USAGE);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new CliError(
      `${file} is not YAML or JSON: ${error instanceof Error ? error.message : String(error)}`,
      EXIT_USAGE,
    );
  }
  const parsed = SweepDefinition.safeParse(raw);
  if (!parsed.success) throw new CliError(`${file}: ${formatIssues(parsed.error.issues)}`, EXIT_USAGE);
  return parsed.data;
}

/** `seqlab sweep create <file>` and `seqlab sweep ls`: sweeps from a YAML definition, and the list. */
export function registerSweep(program: Command, ctx: CommandContext): void {
  const sweep = program.command("sweep").description("hyperparameter sweeps: create one from a YAML file, list them");
  const create = sweep
    .command("create")
    .description(
      "start a sweep from a YAML (or JSON) definition: base launch, parameters, method, scheduler, metric, limits",
    )
    .argument("<file>", "the definition, e.g. sweep.yaml")
    .option("--from <runId>", "the run it starts from (shown on the sweep's page)")
    .option("--json", "print the server's answer as JSON");
  addConnectionOptions(create).action(async (file: string, _options: unknown, cmd: Command) => {
    const flags = parseFlags(
      z.object({ from: z.string().min(1).optional(), json: z.boolean().optional() }),
      cmd.opts(),
    );
    const definition = await readDefinition(file);
    const client = await ctx.connect(cmd);
    const { data, raw } = await client.json("/api/v1/sweeps", CreatedSweep, {
      method: "POST",
      json: { definition, ...(flags.from ? { sourceRunId: flags.from } : {}) },
    });
    if (flags.json) {
      printJson(ctx.io, raw);
      return;
    }
    ctx.io.stdout.write(`started sweep ${data.sweep.id} (${data.sweep.name}): ${new URL(data.url, client.url).href}\n`);
  });
  const list = sweep
    .command("ls")
    .description("the sweeps of your teams: status, trials, best metric, steps spent")
    .option("--team <slug>", "only this team's sweeps")
    .option("--project <slug>", "only this project's sweeps")
    .option("--json", "print the server's answer as JSON");
  addConnectionOptions(list).action(async (_options: unknown, cmd: Command) => {
    const flags = parseFlags(
      z.object({ team: z.string().optional(), project: z.string().optional(), json: z.boolean().optional() }),
      cmd.opts(),
    );
    const client = await ctx.connect(cmd);
    const query = { ...(flags.team ? { team: flags.team } : {}), ...(flags.project ? { project: flags.project } : {}) };
    const { data, raw } = await client.json("/api/v1/sweeps", SweepList, { query });
    if (flags.json) {
      printJson(ctx.io, raw);
      return;
    }
    if (data.sweeps.length === 0) {
      ctx.io.stdout.write("no sweeps yet: `seqlab sweep create sweep.yaml`, or Sweep from this run on a run's page\n");
      return;
    }
    ctx.io.stdout.write(
      renderTable(
        data.sweeps,
        [
          { header: "ID", value: (s) => s.id },
          { header: "NAME", value: (s) => s.name, flexible: true },
          { header: "STATUS", value: (s) => s.status },
          { header: "SCHEDULER", value: (s) => `${s.method}/${s.scheduler}` },
          { header: "TRIALS", value: (s) => `${s.trialsCreated}/${s.trialCount}`, align: "right" },
          { header: "BEST", value: (s) => (s.best ? `${s.metric.name} ${s.best.value.toPrecision(4)}` : "-") },
          { header: "STEPS", value: (s) => String(s.stepsSpent), align: "right" },
        ],
        { width: ctx.io.stdout.isTTY ? ctx.io.stdout.columns : undefined, colors: ctx.colors },
      ),
    );
  });
}
