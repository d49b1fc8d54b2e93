import { RedisUrl } from "@seqlab/queue/redis-url";
import { z } from "zod";

/** The launcher's environment, parsed once; nothing else in scripts/ reads process.env for settings. */
export const StartEnv = z.object({
  /** Dashboard port. */
  PORT: z.coerce.number().int().min(1).max(65_535).default(3000),
  /** Worker processes to start, one per core or GPU. */
  SEQLAB_WORKERS: z.coerce.number().int().min(0).max(64).default(1),
  /** Where the embedded PostgreSQL and the private Redis keep their files (relative to the repository). */
  SEQLAB_DATA_DIR: z.string().min(1).default(".data"),
  /** An existing PostgreSQL to use instead of the embedded one. */
  DATABASE_URL: z.string().url().optional(),
  /** The dashboard's public URL (what users type; its host is the only one it answers to). */
  SEQLAB_URL: z.string().url().optional(),
  /** Signs session cookies; generated into the data folder when unset. */
  SEQLAB_AUTH_SECRET: z.string().min(32).optional(),
  /** An existing Redis to use instead of a private redis-server. */
  REDIS_URL: RedisUrl.optional(),
  /** Root of the filesystem artifact store (checkpoints, media); default `<SEQLAB_DATA_DIR>/artifacts`. */
  SEQLAB_ARTIFACT_DIR: z.string().min(1).optional(),
});
export type StartEnv = z.infer<typeof StartEnv>;

/** The environment the platform's processes inherit (PATH, locale): read here so this stays the only reader. */
export function inheritedEnvironment(): NodeJS.ProcessEnv {
  return { ...process.env };
}
