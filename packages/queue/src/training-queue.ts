import {
  Queue,
  UnrecoverableError,
  Worker,
  type Job,
  type JobsOptions,
  type WorkerOptions,
  type ConnectionOptions,
} from "bullmq";
import {
  AttemptPolicy,
  jobCatalog,
  parseJobPayload,
  trainingQueueName,
  type JobName,
  type JobPayload,
  type ResolvedRunConfig,
} from "@seqlab/contracts";
import { queuePrefix } from "./queue-prefix";

/** BullMQ priorities run lowest first, 1 highest; seqlab priorities run highest first, -100..100. */
export function toBullPriority(priority: number): number {
  return 101 - Math.max(-100, Math.min(100, Math.round(priority)));
}

export interface TrainingQueueOptions {
  connection: ConnectionOptions;
  /** seqlab queue name ("default", "a100", ...). */
  queue: string;
  /**
   * Key prefix; tests pass a unique one so they never see each other's jobs. Default "bull". On a Redis Cluster it is
   * given a hash tag ({@link queuePrefix}): "bull" becomes "{bull}".
   */
  prefix?: string;
}

/** A typed producer over the job catalog's training jobs. */
export class TrainingQueue {
  readonly queue: Queue;
  /** The key prefix in use: the configured one, hash-tagged on a cluster (what a QueueEvents for it needs). */
  readonly prefix: string;

  constructor(readonly options: TrainingQueueOptions) {
    this.prefix = queuePrefix(options.connection, options.prefix);
    this.queue = new Queue(trainingQueueName(options.queue), { connection: options.connection, prefix: this.prefix });
  }

  /** Enqueues a job by catalog name; the payload is validated before it reaches Redis. */
  async enqueue<N extends JobName>(
    name: N,
    payload: JobPayload<N>,
    opts: { jobId: string; priority?: number; attempts?: number },
  ): Promise<Job> {
    const parsed = parseJobPayload(name, payload);
    if (!parsed.ok) throw new Error(parsed.reason);
    const def = jobCatalog[name];
    const jobOptions: JobsOptions = {
      ...def.options,
      jobId: opts.jobId,
      priority: toBullPriority(opts.priority ?? 0),
      ...(opts.attempts !== undefined ? { attempts: opts.attempts } : {}),
    };
    return this.queue.add(name, parsed.payload, jobOptions);
  }

  /**
   * Queues a run's training job: the job id is the run id (so a run is queued at most once) and BullMQ keeps
   * delivering it as long as the run's attempt budget allows ({@link AttemptPolicy.queueDeliveries}).
   */
  async enqueueRun(runId: string, config: ResolvedRunConfig, options: { priority?: number } = {}): Promise<Job> {
    return this.enqueue(
      "run.train",
      { runId, config },
      {
        jobId: runId,
        priority: options.priority ?? 0,
        attempts: AttemptPolicy.queueDeliveries(config.training.maxRestarts),
      },
    );
  }

  /** Ids of waiting jobs in the order workers will take them (next first). */
  async waitingOrder(): Promise<string[]> {
    const jobs = await this.queue.getJobs(["prioritized", "wait"], 0, -1, true);
    return jobs.map((j) => j?.id).filter((id): id is string => typeof id === "string");
  }

  /** Changes a waiting job's priority (seqlab scale); false when it is not waiting any more. */
  async changePriority(jobId: string, priority: number): Promise<boolean> {
    const job = await this.queue.getJob(jobId);
    if (!job || !["waiting", "prioritized"].includes(await job.getState())) return false;
    await job.changePriority({ priority: toBullPriority(priority) });
    return true;
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

/** What a handler gets: the validated payload and the BullMQ job (for lock token, progress, attempts). */
export type TrainingJobHandler = (
  payload: JobPayload<"run.train">,
  job: Job,
  token: string | undefined,
) => Promise<void>;

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
    async (job, token) => {
      if (job.name !== "run.train")
        throw new UnrecoverableError(`unknown job name "${job.name}"; this worker handles run.train`);
      const parsed = parseJobPayload("run.train", job.data);
      if (!parsed.ok) {
        // Retrying cannot fix a malformed payload: UnrecoverableError fails the job at once.
        await options.onInvalidPayload?.(job, parsed.reason);
        throw new UnrecoverableError(parsed.reason);
      }
      await options.handler(parsed.payload, job, token);
    },
    {
      connection: options.connection,
      prefix: queuePrefix(options.connection, options.prefix),
      concurrency: options.concurrency ?? 1,
      // Training runs in a child process, so this event loop is free to renew locks on time: a short lock
      // lets a crashed worker's job be taken over within lockDuration + stalledInterval (about 15 s).
      lockDuration: 10_000,
      stalledInterval: 5_000,
      // Stalls are crashes of whole workers; the run's own attempt count (in the database) decides when to give up.
      maxStalledCount: 1000,
      ...options.workerOptions,
    },
  );
}
