import { ArtifactStoreEnv } from "@seqlab/artifact-store";
import { RedisUrl } from "@seqlab/queue/redis-url";
import { z } from "zod";

/** The worker's environment, parsed once at start-up; nothing else reads process.env. */
export const WorkerEnv = z.object({
  /** PostgreSQL URL; the launcher sets it to the embedded server when the user has none. */
  DATABASE_URL: z.string().url(),
  /** Redis for BullMQ and live metric pub/sub: one node, TLS, Sentinel or Cluster (docs/redis.md). */
  REDIS_URL: RedisUrl,
  /** Comma-separated seqlab queues this worker serves, in priority order. */
  SEQLAB_QUEUES: z
    .string()
    .default("default")
    .transform((s) =>
      s
        .split(",")
        .map((q) => q.trim())
        .filter(Boolean),
    ),
  /** Force a tfjs backend ("tensorflow", "wasm", "cpu"); chosen automatically when unset. */
  SEQLAB_BACKEND: z.enum(["tensorflow", "wasm", "cpu"]).optional(),
  /** Jobs trained at once by this process. One: a process per GPU or core is faster than sharing one. */
  SEQLAB_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(1),
  /** GPU index this worker is pinned to, when there are several (also settable with --device). */
  CUDA_VISIBLE_DEVICES: z.string().optional(),
  /** BullMQ key prefix: several seqlab installs (or test suites) can share one Redis under different prefixes. */
  SEQLAB_QUEUE_PREFIX: z.string().min(1).default("bull"),
  /** Heap limit of each training process in MiB; past it the run fails as out of memory and the worker lives on. */
  SEQLAB_TRAINER_MEMORY_MB: z.coerce.number().int().min(256).max(1_048_576).default(4096),
  /** Port of the worker's Prometheus endpoint (GET /metrics, no authentication); off when unset. */
  SEQLAB_METRICS_PORT: z.coerce.number().int().min(1).max(65_535).optional(),
  /** Interface that endpoint listens on: every one by default, so the cluster's Prometheus reaches the pod. */
  SEQLAB_METRICS_HOST: z.string().min(1).default("0.0.0.0"),
  /** Test-only fault injection: "throw-at-step:N", "nan-at-step:N", "hang-at-step:N" or "oom-at-step:N". Never set it in production. */
  SEQLAB_TEST_FAULT: z
    .string()
    .regex(/^(throw|nan|hang|oom)-at-step:\d+$/)
    .optional(),
  /** The data directory; the filesystem artifact store defaults to its artifacts/ (SEQLAB_ARTIFACT_DIR overrides). */
  SEQLAB_DATA_DIR: z.string().min(1).default(".data"),
  /** Local directory for checkpoint files on their way to and from the artifact store; default the temp dir's. */
  SEQLAB_SPOOL_DIR: z.string().min(1).optional(),
  // The artifact store (SEQLAB_ARTIFACT_STORE, SEQLAB_ARTIFACT_DIR, SEQLAB_S3_*): the same as the web app's.
  ...ArtifactStoreEnv.shape,
});
export type WorkerEnv = z.infer<typeof WorkerEnv>;

/** Parses the environment or exits with one line per bad variable. */
export function parseWorkerEnv(source: NodeJS.ProcessEnv = process.env): WorkerEnv {
  const result = WorkerEnv.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new Error(`seqlab worker: invalid environment:\n${lines}`);
  }
  return result.data;
}

/** Command-line flags: `--device <gpu index>` (one worker process per GPU) and `--queues a,b`. */
export function parseWorkerArgs(argv: string[]): { device?: string; queues?: string[] } {
  const out: { device?: string; queues?: string[] } = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if ((flag === "--device" || flag === "--queues") && value === undefined)
      throw new Error(`seqlab worker: ${flag} needs a value`);
    if (flag === "--device") {
      if (!/^\d+(,\d+)*$/.test(value!))
        throw new Error(`seqlab worker: --device must be a GPU index such as 0, got "${value}"`);
      out.device = value;
      i++;
    } else if (flag === "--queues") {
      out.queues = value!
        .split(",")
        .map((q) => q.trim())
        .filter(Boolean);
      i++;
    } else if (flag !== undefined) {
      throw new Error(`seqlab worker: unknown flag ${flag} (known: --device N, --queues a,b)`);
    }
  }
  return out;
}

/**
 * The training process's environment (it inherits the worker's): only what it reads itself. Parsed once at its
 * start; an invalid value stops it before it reports ready, so the worker sees the reason on its stderr.
 */
export const TrainingProcessEnv = z.object({
  /** The backend the worker was told to use (SEQLAB_BACKEND); chosen automatically when unset. */
  SEQLAB_BACKEND: WorkerEnv.shape.SEQLAB_BACKEND,
  /** The GPU(s) this process may use; the worker sets it from --device. Empty means none. */
  CUDA_VISIBLE_DEVICES: z.string().optional(),
});
export type TrainingProcessEnv = z.infer<typeof TrainingProcessEnv>;

/** Parses the training process's environment or throws naming each bad variable. */
export function parseTrainingProcessEnv(source: NodeJS.ProcessEnv = process.env): TrainingProcessEnv {
  const result = TrainingProcessEnv.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new Error(`seqlab training process: invalid environment:\n${lines}`);
  }
  return result.data;
}

/**
 * The environment a training process inherits (PATH, locale, tfjs's own variables): the worker's, read here so that
 * env.ts stays the only reader of process.env. The worker adds the settings it passes on explicitly.
 */
export function inheritedEnvironment(): NodeJS.ProcessEnv {
  return { ...process.env };
}
