import { z } from "zod";

/** The worker's environment, parsed once at start-up; nothing else reads process.env. */
export const WorkerEnv = z.object({
  /** PostgreSQL URL; the launcher sets it to the embedded server when the user has none. */
  DATABASE_URL: z.string().url(),
  /** Redis URL for BullMQ and live metric pub/sub. */
  REDIS_URL: z.string().url(),
  /** Comma-separated seqlab queues this worker serves, in priority order. */
  SEQLAB_QUEUES: z.string().default("default").transform((s) => s.split(",").map((q) => q.trim()).filter(Boolean)),
  /** Force a tfjs backend ("tensorflow", "wasm", "cpu"); chosen automatically when unset. */
  SEQLAB_BACKEND: z.enum(["tensorflow", "wasm", "cpu"]).optional(),
  /** Jobs trained at once by this process. One: a process per GPU or core is faster than sharing one. */
  SEQLAB_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(1),
  /** GPU index this worker is pinned to, when there are several. */
  CUDA_VISIBLE_DEVICES: z.string().optional(),
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
