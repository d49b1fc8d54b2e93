import type { Command } from "commander";
import { ApiClient } from "./api-client";
import type { CliIo } from "./cli-io";
import { resolveConnection } from "./connection";
import type { Colors } from "./output/colors";

/** What every command is given. */
export interface CommandContext {
  io: CliIo;
  colors: Colors;
  /** The API client for `command`'s `--url`/`--key` (or the root's), the environment and the credentials file. */
  connect(command: Command): Promise<ApiClient>;
  /** The exit code for a command that did not fail yet did not succeed either (a followed run that FAILED). */
  setExitCode(code: number): void;
}

/** The flags that say where to connect, on the root and on every command that talks to the server. */
export function addConnectionOptions(command: Command): Command {
  return command
    .option("--url <url>", "the platform's URL (overrides SEQLAB_URL and `seqlab login`'s)")
    .option("--key <key>", "an API key (overrides SEQLAB_API_KEY and `seqlab login`'s)");
}

/** The default {@link CommandContext.connect}: flags, then env, then the credentials file. */
export async function connectFor(io: CliIo, command: Command): Promise<ApiClient> {
  const options = command.optsWithGlobals<{ url?: string; key?: string }>();
  const connection = await resolveConnection({ url: options.url, key: options.key }, io.env);
  return new ApiClient({ url: connection.url, apiKey: connection.apiKey, fetch: io.fetch });
}

/** Writes the server's answer as JSON (`--json`): exactly its data, indented for people and parsed by `jq` alike. */
export function printJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** The path of a run's routes. */
export function runPath(runId: string): string {
  return `/api/v1/runs/${encodeURIComponent(runId)}`;
}
