import { readCredentials, writeCredentials } from "@seqlab/sdk";
import type { Command } from "commander";
import { z } from "zod";
import { ApiClient } from "../api-client";
import { AccountResponse } from "../api-schemas";
import { CliError, usageError } from "../cli-error";
import type { CommandContext } from "../command-context";
import { normalizeUrl } from "../connection";
import { NonEmpty, parseFlags } from "../flags";

/** Where `./seqlab start` serves the dashboard unless PORT says otherwise: the URL offered when none is given. */
export const DEFAULT_URL = "http://localhost:3000";

const LoginFlags = z.object({ url: NonEmpty.optional(), key: NonEmpty.optional() });

/** The stored credentials, or null when there are none or they cannot be read (login replaces them anyway). */
async function storedUrl(ctx: CommandContext): Promise<string | null> {
  try {
    return (await readCredentials(ctx.io.env))?.url ?? null;
  } catch {
    return null;
  }
}

/** The URL to sign in to: `--url`, SEQLAB_URL, else asked on a terminal (offering the stored one), else the default. */
async function chooseUrl(ctx: CommandContext, flag: string | undefined): Promise<string> {
  if (flag !== undefined) return normalizeUrl(flag, "--url");
  if (ctx.io.env.SEQLAB_URL !== undefined) return normalizeUrl(ctx.io.env.SEQLAB_URL, "SEQLAB_URL");
  const offered = (await storedUrl(ctx)) ?? DEFAULT_URL;
  if (!ctx.io.stdinIsTTY) return normalizeUrl(offered, "the stored URL");
  const answer = (await ctx.io.prompt(`seqlab URL [${offered}]: `, { secret: false })).trim();
  return normalizeUrl(answer || offered, "the URL");
}

/** The API key: `--key` (`-` reads it from stdin), SEQLAB_API_KEY, else asked on a terminal without echo. */
async function chooseKey(ctx: CommandContext, flag: string | undefined): Promise<string> {
  let key: string | undefined;
  if (flag === "-") key = (await ctx.io.readStdin()).split(/\r?\n/)[0]?.trim();
  else key = flag ?? ctx.io.env.SEQLAB_API_KEY;
  if (key === undefined && ctx.io.stdinIsTTY) {
    key = (await ctx.io.prompt("API key (dashboard: Settings → API keys): ", { secret: true })).trim();
  }
  if (key === undefined) {
    throw usageError("no API key: pass --key KEY (or --key - to read it from stdin), or set SEQLAB_API_KEY");
  }
  if (!/^\S{1,512}$/.test(key)) throw usageError("an API key is 1-512 characters without spaces");
  return key;
}

/** `seqlab login`: checks a URL and key with GET /api/v1/account and stores them (0600) for later commands. */
export function registerLogin(program: Command, ctx: CommandContext): void {
  program
    .command("login")
    .description("sign in: check an API key against the server and store it for later commands")
    .option("--url <url>", `the platform's URL (default: SEQLAB_URL, the stored one, or ${DEFAULT_URL})`)
    .option(
      "--key <key>",
      "an API key from Settings → API keys; `-` reads it from stdin (default: SEQLAB_API_KEY, or asked)",
    )
    .addHelpText(
      "after",
      "\nOn a terminal, what is not given is asked for (the key without echo). The key is stored in the\n" +
        "credentials file (readable by you only); SEQLAB_CONFIG_DIR moves it.",
    )
    .action(async (_options: unknown, command: Command) => {
      const flags = parseFlags(LoginFlags, command.optsWithGlobals());
      const url = await chooseUrl(ctx, flags.url);
      const apiKey = await chooseKey(ctx, flags.key);
      const client = new ApiClient({ url, apiKey, fetch: ctx.io.fetch });
      const { data } = await client.json("/api/v1/account", AccountResponse);
      let file: string;
      try {
        file = await writeCredentials({ url, apiKey }, ctx.io.env);
      } catch (error) {
        throw new CliError(`cannot store the credentials: ${error instanceof Error ? error.message : String(error)}`);
      }
      ctx.io.stdout.write(`signed in to ${url} as ${data.user.name} <${data.user.email}>\n`);
      ctx.io.stdout.write(ctx.colors.dim(`credentials stored in ${file}`) + "\n");
    });
}
