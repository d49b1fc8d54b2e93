import { z } from "zod";
import { ResolvedRunConfig } from "./run-config";

/**
 * The job catalog: every job the platform queues, with its payload schema and queue settings.
 * Definitions are light (zod only) so the web app can enqueue without loading the worker's handlers.
 */
export const jobCatalog = {
  "run.train": {
    payload: z.object({
      runId: z.string().min(1),
      config: ResolvedRunConfig,
    }),
    options: {
      /** Retries are decided by the run's own attempt bookkeeping, so BullMQ itself tries once more after a crash. */
      attempts: 3,
      /** A crash is usually the process or machine, not the run: retry soon (0.5, 1, 2 s ...), not in a hot loop. */
      backoff: { type: "exponential" as const, delay: 500 },
      /** Keep finished jobs briefly for debugging; the database is the record of runs. */
      removeOnComplete: { age: 3600, count: 1000 },
      removeOnFail: { age: 24 * 3600, count: 5000 },
    },
  },
  "sweep.advance": {
    payload: z.object({
      /** The sweep whose trial just reported; null for the periodic tick, which advances every running sweep. */
      sweepId: z.string().min(1).nullable(),
    }),
    options: {
      /** Advancing is idempotent, so a failure (the database away a moment) is simply tried again: 1, 2, 4, 8 s. */
      attempts: 5,
      backoff: { type: "exponential" as const, delay: 1000 },
      /** Thousands of reports a day; the sweep's rows are the record, the jobs are only a doorbell. */
      removeOnComplete: { age: 600, count: 200 },
      removeOnFail: { age: 24 * 3600, count: 1000 },
    },
  },
} as const;

/** The BullMQ queue of sweep controller jobs (reports and the tick), separate from every training queue. */
export const SWEEP_QUEUE_NAME = "sweeps";

export type JobName = keyof typeof jobCatalog;
export type JobPayload<N extends JobName> = z.infer<(typeof jobCatalog)[N]["payload"]>;

/** BullMQ queue name for a seqlab queue (one per hardware class, e.g. "default", "a100"). */
export function trainingQueueName(queue: string): string {
  return `runs-${queue}`;
}

/** Parses a job payload, returning a readable reason instead of throwing. */
export function parseJobPayload<N extends JobName>(
  name: N,
  data: unknown,
): { ok: true; payload: JobPayload<N> } | { ok: false; reason: string } {
  const result = jobCatalog[name].payload.safeParse(data);
  if (result.success) return { ok: true, payload: result.data as JobPayload<N> };
  return { ok: false, reason: `invalid ${name} payload: ${formatIssues(result.error.issues)}` };
}

/** "a.b: message; c: message" for zod issues. */
export function formatIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues.map((i) => `${i.path.length ? i.path.map(String).join(".") : "(root)"}: ${i.message}`).join("; ");
}
