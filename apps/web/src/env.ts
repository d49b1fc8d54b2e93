import { ArtifactStoreEnv } from "@seqlab/artifact-store";
import { RedisUrl } from "@seqlab/queue/redis-url";
import { z } from "zod";

const flag = z
  .enum(["true", "false", "1", "0"])
  .default("false")
  .transform((v) => v === "true" || v === "1");
const perMinute = (fallback: number) => z.coerce.number().int().min(1).max(1_000_000).default(fallback);

/** The web app's environment, parsed once; nothing else reads process.env. */
const WebEnv = z.object({
  /** PostgreSQL URL; the launcher points it at the embedded server when the user has none. */
  DATABASE_URL: z.string().url(),
  /** Redis for the run queues, live metric pub/sub and the rate limiters: one node, TLS, Sentinel or Cluster (docs/redis.md). */
  REDIS_URL: RedisUrl,
  /** BullMQ key prefix; tests use their own so they never see other jobs. */
  SEQLAB_QUEUE_PREFIX: z.string().min(1).default("bull"),
  /** Port the dashboard listens on (only used for SEQLAB_URL's default). */
  PORT: z.coerce.number().int().min(1).max(65_535).default(3000),
  /** The dashboard's public URL. Requests for any other host are refused (DNS rebinding); HTTPS makes cookies Secure. */
  SEQLAB_URL: z.string().url().optional(),
  /** Further host names the dashboard answers to (comma list), e.g. behind a proxy with several names. */
  SEQLAB_ALLOWED_HOSTS: z.string().default(""),
  /** Signs session cookies: 32+ random characters, the same on every web replica. The launcher generates one. */
  SEQLAB_AUTH_SECRET: z.string().min(32, "must be at least 32 characters (the launcher generates one in .data)"),
  /** Anyone may create an account (each gets a team of their own). Default: invitations only. */
  SEQLAB_OPEN_SIGNUP: flag,
  /** Seconds a browser's signed copy of its session is believed without a database read (0: always read). */
  SEQLAB_SESSION_CACHE_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  /** Headless installs: the first account, created on start when there is none. */
  SEQLAB_ADMIN_EMAIL: z.string().email().optional(),
  SEQLAB_ADMIN_PASSWORD: z.string().min(8).optional(),
  /** Launches one user may make per minute. */
  SEQLAB_LAUNCHES_PER_MINUTE: perMinute(60),
  /** Sign-in attempts per client IP and per account per minute (a password guesser gets 10 tries a minute). */
  SEQLAB_SIGNIN_PER_IP_PER_MINUTE: perMinute(30),
  SEQLAB_SIGNIN_PER_ACCOUNT_PER_MINUTE: perMinute(10),
  /** Live streams open at once per user, and in all on one web process. */
  SEQLAB_STREAMS_PER_USER: perMinute(20),
  SEQLAB_STREAMS_TOTAL: perMinute(500),
  /** Bearer token Prometheus sends to read /metrics (16+ characters); unset: only signed-in instance admins may. */
  SEQLAB_METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  /** Test-only fault injection: "sweep-exit-after-promotion" kills the process between a promotion and its queueing. */
  SEQLAB_FAULT: z.enum(["sweep-exit-after-promotion"]).optional(),
  /** The data directory; the filesystem artifact store defaults to its artifacts/ (SEQLAB_ARTIFACT_DIR overrides). */
  SEQLAB_DATA_DIR: z.string().min(1).default(".data"),
  // The artifact store's variables (SEQLAB_ARTIFACT_STORE, SEQLAB_ARTIFACT_DIR, SEQLAB_S3_*), shared with the worker.
  ...ArtifactStoreEnv.shape,
});
export type WebEnv = z.infer<typeof WebEnv>;

let cached: WebEnv | null = null;

/** Parsed on first use (not at import) so `next build` works without a database. */
export function env(): WebEnv {
  if (!cached) {
    const result = WebEnv.safeParse(process.env);
    if (!result.success) {
      throw new Error(
        `seqlab web: invalid environment: ${result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
      );
    }
    cached = result.data;
  }
  return cached;
}
