import { readCredentials } from "@seqlab/sdk";
import { z } from "zod";
import { CliError, usageError } from "./cli-error";
import type { CliEnv } from "./env";

/** Where the CLI talks to, with which key. */
export interface Connection {
  /** Without a trailing slash. */
  url: string;
  apiKey: string;
}

/** The message of every command that has no credentials at all. */
export const NOT_LOGGED_IN = "not logged in: run `seqlab login` or set SEQLAB_URL and SEQLAB_API_KEY";

const HttpUrl = z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" });

/** `url` in one spelling (no trailing slash), or a usage error naming where it came from. */
export function normalizeUrl(url: string, from: string): string {
  if (!HttpUrl.safeParse(url).success) throw usageError(`${from} is not an http:// or https:// URL: ${url}`);
  return new URL(url).href.replace(/\/+$/, "");
}

/**
 * The URL and key to use: each from its flag (`--url`, `--key`), else the environment (`SEQLAB_URL`,
 * `SEQLAB_API_KEY`), else the credentials file of `seqlab login`. The file's key goes only to the file's own URL:
 * `--url https://elsewhere` never sends it to another server.
 */
export async function resolveConnection(flags: { url?: string; key?: string }, env: CliEnv): Promise<Connection> {
  let url =
    flags.url !== undefined
      ? normalizeUrl(flags.url, "--url")
      : env.SEQLAB_URL !== undefined
        ? normalizeUrl(env.SEQLAB_URL, "SEQLAB_URL")
        : undefined;
  let apiKey = flags.key ?? env.SEQLAB_API_KEY;
  if (url !== undefined && apiKey !== undefined) return { url, apiKey };
  let stored;
  try {
    stored = await readCredentials(env);
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error));
  }
  const storedUrl = stored ? normalizeUrl(stored.url, "the credentials file's url") : undefined;
  url ??= storedUrl;
  if (url === undefined) throw new CliError(NOT_LOGGED_IN);
  if (apiKey === undefined && stored && storedUrl === url) apiKey = stored.apiKey;
  if (apiKey === undefined) {
    const elsewhere = storedUrl ? ` (the stored key is for ${storedUrl})` : "";
    throw new CliError(
      `no API key for ${url}${elsewhere}: run \`seqlab login --url ${url}\`, pass --key, or set SEQLAB_API_KEY`,
    );
  }
  return { url, apiKey };
}
