import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { credentialsPath, readCredentials } from "./credentials";
import { readSdkEnv, type EnvSource } from "./env";
import { SeqlabInitError } from "./seqlab-init-error";

/** Where the SDK talks to and keeps its unsent points, once resolved. */
export interface ClientSettings {
  /** The platform's URL, without a trailing slash. */
  url: string;
  apiKey: string;
  spoolDir: string;
}

/**
 * Where unsent points are kept until the next `init` or `seqlab sync`: `$SEQLAB_SPOOL_DIR`, else
 * `$XDG_STATE_HOME/seqlab/spool`, else `~/.local/state/seqlab/spool`. `env` defaults to `process.env`.
 */
export function defaultSpoolDir(env?: EnvSource): string {
  const vars = readSdkEnv(env);
  return (
    vars.SEQLAB_SPOOL_DIR ??
    path.join(vars.XDG_STATE_HOME ?? path.join(vars.HOME ?? os.homedir(), ".local", "state"), "seqlab", "spool")
  );
}

const HttpUrl = z.url({ protocol: /^https?$/ });

/** `url` as one spelling (no trailing slash), or a {@link SeqlabInitError} naming where it came from. */
function normalizeUrl(url: string, from: string): string {
  if (!HttpUrl.safeParse(url).success) {
    throw new SeqlabInitError(`${from} is not an http:// or https:// URL: "${url.slice(0, 200)}"`);
  }
  return new URL(url).href.replace(/\/+$/, "");
}

/**
 * The URL, key and spool directory to use: each from the explicit option, else the environment (`SEQLAB_URL`,
 * `SEQLAB_API_KEY`, `SEQLAB_SPOOL_DIR`), else the credentials file written by `seqlab login`. The file's key is
 * used only for the file's own URL: a key is never sent to another server than the one it was issued by.
 * Throws a {@link SeqlabInitError} that says how to provide what is missing.
 */
export async function resolveSettings(
  options: { url?: string; apiKey?: string; spoolDir?: string },
  env?: EnvSource,
): Promise<ClientSettings> {
  const vars = readSdkEnv(env);
  const spoolDir = options.spoolDir ?? defaultSpoolDir(env);
  let url =
    options.url !== undefined
      ? normalizeUrl(options.url, "the `url` option")
      : vars.SEQLAB_URL !== undefined
        ? normalizeUrl(vars.SEQLAB_URL, "SEQLAB_URL")
        : undefined;
  let apiKey = options.apiKey ?? vars.SEQLAB_API_KEY;
  if (url !== undefined && apiKey !== undefined) return { url, apiKey, spoolDir };

  const file = credentialsPath(env);
  let stored;
  try {
    stored = await readCredentials(env);
  } catch (error) {
    throw new SeqlabInitError((error as Error).message, undefined, { cause: error });
  }
  const storedUrl = stored ? normalizeUrl(stored.url, file) : undefined;
  url ??= storedUrl;
  if (url === undefined) {
    throw new SeqlabInitError(
      "seqlab does not know where the platform is: pass `url` to init, set SEQLAB_URL, or run `seqlab login`",
    );
  }
  if (apiKey === undefined && stored && storedUrl === url) apiKey = stored.apiKey;
  if (apiKey === undefined) {
    const elsewhere = stored && storedUrl !== url ? ` (${file} holds a key for ${storedUrl}, not ${url})` : "";
    throw new SeqlabInitError(
      `seqlab has no API key for ${url}${elsewhere}: pass \`apiKey\` to init, set SEQLAB_API_KEY, or run \`seqlab login\``,
    );
  }
  return { url, apiKey, spoolDir };
}
