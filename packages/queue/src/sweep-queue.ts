import { Queue, UnrecoverableError, Worker, type ConnectionOptions } from "bullmq";
import { jobCatalog, parseJobPayload, SWEEP_QUEUE_NAME, type JobPayload } from "@seqlab/contracts";
import { queuePrefix } from "./queue-prefix";

export interface SweepQueueOptions {
  connection: ConnectionOptions;
  /** Key prefix; tests pass a unique one. Default "bull"; hash-tagged on a Redis Cluster ({@link queuePrefix}). */
  prefix?: string;
}

/** The job scheduler id of the periodic tick: one per prefix, whoever upserts it (every web replica does). */
const TICK_SCHEDULER_ID = "sweep-tick";

/** Producer of the sweep controller's jobs: a trial's report, and the periodic tick. */
export class SweepQueue {
  readonly queue: Queue;
  /** The key prefix in use: the configured one, hash-tagged on a cluster. */
  readonly prefix: string;

  constructor(options: SweepQueueOptions) {
    this.prefix = queuePrefix(options.connection, options.prefix);
    this.queue = new Queue(SWEEP_QUEUE_NAME, { connection: options.connection, prefix: this.prefix });
  }

  /** Asks the controller to look at one sweep now (a trial ended, or the sweep was created, paused or resumed). */
  async advance(sweepId: string): Promise<void> {
    const parsed = parseJobPayload("sweep.advance", { sweepId });
    if (!parsed.ok) throw new Error(parsed.reason);
    await this.queue.add("sweep.advance", parsed.payload, jobCatalog["sweep.advance"].options);
  }

  /**
   * Makes sure the tick runs every `everyMs` (a BullMQ job scheduler, upserted: replicas that all call this leave
   * one schedule). The tick repairs what a crash between a decision and its queueing left, and advances sweeps
   * whose reports were lost.
   */
  async scheduleTick(everyMs: number): Promise<void> {
    await this.queue.upsertJobScheduler(
      TICK_SCHEDULER_ID,
      { every: everyMs },
      { name: "sweep.advance", data: { sweepId: null }, opts: jobCatalog["sweep.advance"].options },
    );
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

/** Consumes the sweep controller's jobs, each payload validated against the catalog before the handler sees it. */
export function createSweepWorker(
  options: SweepQueueOptions & {
    handler: (payload: JobPayload<"sweep.advance">) => Promise<void>;
    /** Sweeps advanced at once; each takes its sweep's row lock, so different sweeps proceed side by side. */
    concurrency?: number;
  },
): Worker {
  return new Worker(
    SWEEP_QUEUE_NAME,
    async (job) => {
      const parsed = parseJobPayload("sweep.advance", job.data);
      if (job.name !== "sweep.advance" || !parsed.ok) {
        throw new UnrecoverableError(parsed.ok ? `unknown job name "${job.name}"` : parsed.reason);
      }
      await options.handler(parsed.payload);
    },
    {
      connection: options.connection,
      prefix: queuePrefix(options.connection, options.prefix),
      concurrency: options.concurrency ?? 2,
    },
  );
}
