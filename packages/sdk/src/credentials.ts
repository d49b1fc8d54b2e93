import { randomUUID } from "node:crypto";
import { chmod, mkdir, open, readFile, rename, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { readSdkEnv, type EnvSource } from "./env";

/** What `seqlab login` stores: the platform's URL and an API key for it. */
export const Credentials = z.object({
  /** The platform's URL, e.g. http://localhost:3000. */
  url: z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }),
  /** An API key (Settings → API keys). */
  apiKey: z.string().regex(/^\S{1,512}$/, "must be 1-512 characters without spaces"),
});
export type Credentials = z.infer<typeof Credentials>;

/**
 * Where the credentials file lives: `$SEQLAB_CONFIG_DIR/credentials.json`, else
 * `$XDG_CONFIG_HOME/seqlab/credentials.json`, else `~/.config/seqlab/credentials.json`. `env` defaults to
 * `process.env`.
 */
export function credentialsPath(env?: EnvSource): string {
  const vars = readSdkEnv(env);
  const directory =
    vars.SEQLAB_CONFIG_DIR ??
    path.join(vars.XDG_CONFIG_HOME ?? path.join(vars.HOME ?? os.homedir(), ".config"), "seqlab");
  return path.join(directory, "credentials.json");
}

/**
 * The stored credentials, or null when there is no file. Throws an Error naming the file when it is not valid
 * JSON or not credentials, so a hand-edited file is fixed rather than silently ignored.
 */
export async function readCredentials(env?: EnvSource): Promise<Credentials | null> {
  const file = credentialsPath(env);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new Error(`seqlab could not read ${file}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${file} is not valid JSON: run \`seqlab login\` again, or delete the file`);
  }
  const parsed = Credentials.safeParse(json);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join(".") || "(file)"} ${i.message}`).join("; ");
    throw new Error(`${file} is not valid seqlab credentials (${why}): run \`seqlab login\` again, or delete the file`);
  }
  return parsed.data;
}

/**
 * Stores credentials for later `init`s and CLI commands; returns the file's path. The directory is created 0700
 * and the file is 0600 (it holds a secret), written to a temporary file and renamed over the old one, so a crash
 * mid-write never leaves a torn file and a reader sees the old credentials or the new ones.
 */
export async function writeCredentials(credentials: Credentials, env?: EnvSource): Promise<string> {
  const valid = Credentials.parse(credentials);
  const file = credentialsPath(env);
  const directory = path.dirname(file);
  await mkdir(directory, { recursive: true, mode: 0o700 });
  const temporary = path.join(directory, `.credentials.json.${process.pid}.${randomUUID()}.tmp`);
  try {
    // `wx`: never write through a file (or a link) that someone else put at the temporary name.
    const handle = await open(temporary, "wx", 0o600);
    try {
      await handle.writeFile(`${JSON.stringify({ url: valid.url, apiKey: valid.apiKey }, null, 2)}\n`);
      // The umask may only take bits away from 0600; chmod makes it exactly 0600 whatever the umask.
      await handle.chmod(0o600);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  // The rename put the 0600 inode in place; chmod again in case the file system did not keep the mode.
  await chmod(file, 0o600);
  return file;
}
