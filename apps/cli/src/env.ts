import { z } from "zod";

/** A variable that is unset or blank reads as unset, so `SEQLAB_URL= seqlab runs ls` falls back like no variable. */
const optional = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === "" ? undefined : value.trim()));

/**
 * The CLI's environment, parsed once in main.ts; nothing else reads process.env. The SDK's variables are here too,
 * because the credentials file and the spool directory are found through them (the parsed object is handed to the
 * SDK's functions as their environment).
 */
export const CliEnv = z.object({
  /** The platform's URL; overrides the credentials file, is overridden by `--url`. */
  SEQLAB_URL: optional,
  /** An API key; overrides the credentials file, is overridden by `--key`. */
  SEQLAB_API_KEY: optional,
  /** Directory of `credentials.json` (the SDK's `credentialsPath`); default `$XDG_CONFIG_HOME/seqlab`. */
  SEQLAB_CONFIG_DIR: optional,
  /** Where unsent SDK points wait for `seqlab sync`; default `$XDG_STATE_HOME/seqlab/spool`. */
  SEQLAB_SPOOL_DIR: optional,
  /** XDG config base directory, for the SDK; default `~/.config`. */
  XDG_CONFIG_HOME: optional,
  /** XDG state base directory, for the SDK; default `~/.local/state`. */
  XDG_STATE_HOME: optional,
  /** The user's home directory, for the SDK; default `os.homedir()`. */
  HOME: optional,
  /** Any non-empty value turns colours off (https://no-color.org); they are off anyway when stdout is no terminal. */
  NO_COLOR: optional,
  /**
   * The directory `./seqlab` was started from: the script changes into the checkout so that `--import tsx`
   * resolves, and main.ts changes back, so relative paths (`pull -o ./x`) mean what the user typed. Unset: the
   * process's own directory.
   */
  SEQLAB_CALLER_CWD: optional,
});
export type CliEnv = z.infer<typeof CliEnv>;

/** The environment's variables, or an Error with one `NAME: problem` clause per bad variable. */
export function parseCliEnv(source: Readonly<Record<string, string | undefined>> = process.env): CliEnv {
  const parsed = CliEnv.safeParse(source);
  if (parsed.success) return parsed.data;
  const why = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
  throw new Error(`invalid environment: ${why}`);
}

/** Whether NO_COLOR asks for no colours. */
export function noColorRequested(env: CliEnv): boolean {
  return env.NO_COLOR !== undefined;
}
