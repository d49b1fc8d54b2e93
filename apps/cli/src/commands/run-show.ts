import type { Command } from "commander";
import { z } from "zod";
import type { ApiClient } from "../api-client";
import { CliStreamEvent, RunDetailResponse, type CliRunDetail } from "../api-schemas";
import { addConnectionOptions, printJson, runPath, type CommandContext } from "../command-context";
import { parseFlags } from "../flags";
import { statusStyle } from "../output/colors";
import { formatBytes, formatMetric, shortSha } from "../output/format";
import { renderTable } from "../output/table";
import { readSse } from "../sse";

/** The stream's snapshot comes first, within a second on a healthy server; past 5 s the summary goes without it. */
const SNAPSHOT_TIMEOUT_MS = 5_000;

/**
 * The latest value of each metric, from the run stream's first `series` snapshot (the client API has no summary
 * route; the snapshot's last bucket of each key holds its latest point). Null when the stream does not answer in
 * time.
 */
export async function latestMetrics(client: ApiClient, runId: string): Promise<Map<string, number> | null> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), SNAPSHOT_TIMEOUT_MS);
  try {
    const response = await client.open(`${runPath(runId)}/stream`, { signal: abort.signal });
    if (!response.body) return null;
    for await (const message of readSse(response.body, SNAPSHOT_TIMEOUT_MS)) {
      let json: unknown;
      try {
        json = JSON.parse(message.data);
      } catch {
        continue;
      }
      const event = CliStreamEvent.safeParse(json);
      if (!event.success || event.data.type !== "series") continue;
      const latest = new Map<string, number>();
      for (const { key, buckets } of event.data.series.series) {
        const last = buckets[buckets.length - 1];
        if (last) latest.set(key, last.last);
      }
      return latest;
    }
    return null;
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}

/** `label   value` lines with the labels aligned. */
function fields(rows: [string, string][]): string {
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}\n`).join("");
}

/** A run's summary for people. */
function describeRun(ctx: CommandContext, run: CliRunDetail, metrics: Map<string, number> | null): string {
  const { colors } = ctx;
  const total = run.config?.training.steps ?? run.externalInfo?.totalSteps ?? null;
  const rows: [string, string][] = [
    ["status", statusStyle(colors, run.status)(run.status) + (run.errorReason ? `: ${run.errorReason}` : "")],
    ["model", run.modelName],
    ["dataset", run.datasetName],
    ["project", `${run.team}/${run.project}`],
    ["step", `${run.lastStep ?? "-"}${total === null ? "" : ` of ${total}`}`],
    ["attempt", `${run.attempt} of ${run.maxAttempts}`],
    ["queue", `${run.queueName}${run.queuePosition !== null ? ` (position ${run.queuePosition})` : ""}`],
    ["created", run.createdAt],
  ];
  if (run.startedAt) rows.push(["started", run.startedAt]);
  if (run.finishedAt) rows.push(["finished", run.finishedAt]);
  if (run.backend || run.device) rows.push(["backend", [run.backend, run.device].filter(Boolean).join(" on ")]);
  if (run.queueWarning) rows.push(["warning", colors.yellow(run.queueWarning)]);
  let text = `${colors.bold(`run ${run.id}`)}  ${run.name}\n${fields(rows)}`;
  const config = run.config ?? run.externalInfo?.config ?? null;
  if (config) {
    text += `\n${colors.bold("config")}\n${JSON.stringify(config, null, 2).replace(/^(?=.)/gm, "  ")}\n`;
  }
  if (run.attempts.length > 0) {
    text += `\n${colors.bold("attempts")}\n`;
    text += renderTable(
      run.attempts,
      [
        { header: "#", value: (a) => String(a.attempt), align: "right" },
        { header: "WORKER", value: (a) => a.worker ?? "-" },
        { header: "BACKEND", value: (a) => a.backend ?? "-" },
        { header: "STARTED", value: (a) => a.startedAt },
        { header: "ENDED", value: (a) => a.endedAt ?? "-" },
        { header: "OUTCOME", value: (a) => a.outcome ?? "running" },
        { header: "STEP", value: (a) => (a.step === null ? "-" : String(a.step)), align: "right" },
      ],
      { colors },
    ).replace(/^(?=.)/gm, "  ");
  }
  text += `\n${colors.bold("artifacts")}\n`;
  text +=
    run.artifacts.length === 0
      ? "  none\n"
      : renderTable(
          run.artifacts,
          [
            { header: "KIND", value: (a) => a.kind },
            { header: "NAME", value: (a) => a.name },
            { header: "STEP", value: (a) => (a.step === null ? "-" : String(a.step)), align: "right" },
            { header: "SIZE", value: (a) => formatBytes(a.size), align: "right" },
            { header: "SHA256", value: (a) => shortSha(a.sha256) },
          ],
          { colors },
        ).replace(/^(?=.)/gm, "  ");
  text += `\n${colors.bold("latest metrics")}\n`;
  if (metrics === null) text += "  (the live stream did not answer)\n";
  else if (metrics.size === 0) text += "  none yet\n";
  else {
    const keys = [...metrics.keys()].sort();
    text += fields(keys.map((key) => [`  ${key}`, formatMetric(metrics.get(key)!)]));
  }
  return text;
}

/** `seqlab runs show <id>`: GET /api/v1/runs/:id for people (or as JSON). */
export function registerRunShow(runs: Command, ctx: CommandContext): void {
  const command = runs
    .command("show")
    .description("a run's status, config, attempts, artifacts and latest metrics")
    .argument("<id>", "the run's id")
    .option("--json", "print the server's answer as JSON");
  addConnectionOptions(command).action(async (id: string, _options: unknown, cmd: Command) => {
    const flags = parseFlags(z.object({ json: z.boolean().optional() }), cmd.opts());
    const client = await ctx.connect(cmd);
    const { data, raw } = await client.json(runPath(id), RunDetailResponse);
    if (flags.json) {
      printJson(ctx.io, raw);
      return;
    }
    const metrics = await latestMetrics(client, id);
    ctx.io.stdout.write(describeRun(ctx, data.run, metrics));
  });
}
