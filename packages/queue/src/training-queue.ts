import { Queue, UnrecoverableError, Worker, type Job, type JobsOptions, type WorkerOptions, type ConnectionOptions } from "bullmq";
import { jobCatalog, parseJobPayload, trainingQueueName, type JobName, type JobPayload } from "@seqlab/contracts";

/** BullMQ priorities run lowest first, 1 highest; seqlab priorities run highest first, -100..100. */
export function toBullPriority(priority: number): number {
  return 101 - Math.max(-100, Math.min(100, Math.round(priority)));
}

export interface TrainingQueueOptions {
  connection: ConnectionOptions;
  /** seqlab queue name ("default", "a100", ...). */
  queue: string;
  /** Key prefix; tests pass a unique one so they never see each other's jobs. */
  prefix?: string;
}

/** A typed producer over the job catalog's training jobs. */
export class TrainingQueue {
  readonly queue: Queue;

  constructor(readonly options: TrainingQueueOptions) {
    this.queue = new Queue(trainingQueueName(options.queue), {
      connection: options.connection,
      prefix: options.prefix ?? "bull",
    });
  }

  /** Enqueues a job by catalog name; the payload is validated before it reaches Redis. */
  async enqueue<N extends JobName>(name: N, payload: JobPayload<N>, opts: { jobId: string; priority?: number }): Promise<Job> {
    const parsed = parseJobPayload(name, payload);
    if (!parsed.ok) throw new Error(parsed.reason);
    const def = jobCatalog[name];
    const jobOptions: JobsOptions = {
      ...def.options,
      jobId: opts.jobId,
      priority: toBullPriority(opts.priority ?? 0),
    };
    return this.queue.add(name, parsed.payload, jobOptions);
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

/** What a handler gets: the validated payload and the BullMQ job (for lock token, progress, attempts). */
export type TrainingJobHandler = (payload: JobPayload<"run.train">, job: Job) => Promise<void>;

export interface TrainingWorkerOptions extends TrainingQueueOptions {
  handler: TrainingJobHandler;
  /** Called when a payload does not parse: the job is failed with this reason and never retried. */
  onInvalidPayload?: (job: Job, reason: string) => Promise<void> | void;
  concurrency?: number;
  workerOptions?: Partial<WorkerOptions>;
}

/** Creates a BullMQ worker that re-validates each payload with the catalog schema before running the handler. */
export function createTrainingWorker(options: TrainingWorkerOptions): Worker {
  return new Worker(
    trainingQueueName(options.queue),
    async (job) => {
      if (job.name !== "run.train") throw new UnrecoverableError(`unknown job name "${job.name}"; this worker handles run.train`);
      const parsed = parseJobPayload("run.train", job.data);
      if (!parsed.ok) {
        // Retrying cannot fix a malformed payload: UnrecoverableError fails the job at once.
        await options.onInvalidPayload?.(job, parsed.reason);
        throw new UnrecoverableError(parsed.reason);
      }
      await options.handler(parsed.payload, job);
    },
    {
      connection: options.connection,
      prefix: options.prefix ?? "bull",
      concurrency: options.concurrency ?? 1,
      // Training steps can hold the event loop for a while; a 60 s lock with renewal every 30 s gives slack.
      lockDuration: 60_000,
      ...options.workerOptions,
    },
  );
}
