import path from "node:path";
import { z } from "zod";

/** Where environment variables come from: `process.env`, or a plain object in tests and in the CLI. */
export type EnvSource = Readonly<Record<string, string | undefined>>;

/** A variable that is unset or blank reads as unset, so `SEQLAB_URL= node train.js` falls back like no variable. */
const optional = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === "" ? undefined : value.trim()));

/** The XDG base directory spec says a relative path in an XDG_* variable is invalid and must be ignored. */
const absoluteDirectory = optional.transform((value) =>
  value !== undefined && path.isAbsolute(value) ? value : undefined,
);

/**
 * The variables the SDK reads. The SDK runs inside a user's script, so it reads them when asked (at `init`, by the
 * CLI) rather than once at import: a script may set them before calling `init`. Every one is optional.
 */
export const SdkEnv = z.object({
  /** The platform's URL, e.g. http://localhost:3000; overrides the credentials file. */
  SEQLAB_URL: optional,
  /** An API key (Settings → API keys); overrides the credentials file. */
  SEQLAB_API_KEY: optional,
  /** Directory of `credentials.json`; default `$XDG_CONFIG_HOME/seqlab`. */
  SEQLAB_CONFIG_DIR: optional,
  /** Where unsent points wait for `seqlab sync`; default `$XDG_STATE_HOME/seqlab/spool`. */
  SEQLAB_SPOOL_DIR: optional,
  /** XDG config base directory; default `~/.config`. */
  XDG_CONFIG_HOME: absoluteDirectory,
  /** XDG state base directory; default `~/.local/state`. */
  XDG_STATE_HOME: absoluteDirectory,
  /** The user's home directory; default `os.homedir()`. */
  HOME: optional,
});
export type SdkEnv = z.infer<typeof SdkEnv>;

/**
 * The SDK's variables from `source` (default `process.env`). Never throws: every variable is an optional string,
 * and a malformed value (a URL that is not one) is reported by whoever uses it, with the variable's name.
 */
export function readSdkEnv(source: EnvSource = process.env): SdkEnv {
  return SdkEnv.parse(source);
}
