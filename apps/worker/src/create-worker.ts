import { hostname, cpus, tmpdir, totalmem } from "node:os";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { WaitingError, type Worker as BullWorker } from "bullmq";
import { type ArtifactStoreConfig, createArtifactStore } from "@seqlab/artifact-store";
import {
  ArtifactRepository,
  EventRepository,
  MetricRepository,
  RunRepository,
  SweepRepository,
  WorkerRepository,
  type Db,
} from "@seqlab/db";
import { createRedisClient, createTrainingWorker, publishRunEvent, SweepQueue } from "@seqlab/queue";
import { type AttemptObserver, superviseRun, type SupervisionControl } from "./run-supervisor";
import { TrainerProcess } from "./trainer-process";

export interface WorkerConfig {
  prisma: Db;
  redisUrl: string;
  queues: string[];
  concurrency?: number;
  backend?: "tensorflow" | "wasm" | "cpu";
  /** GPU this worker trains on (CUDA_VISIBLE_DEVICES of its training processes). */
  device?: string;
  /** Heap limit of each training process in MiB. */
  trainerMemoryMb?: number;
  /** BullMQ key prefix; tests pass a unique one. */
  prefix?: string;
  /** Test-only fault injection for the training processes ("throw-at-step:N", "nan-at-step:N", "hang-at-step:N", "oom-at-step:N"). */
  fault?: string;
  log?: (message: string) => void;
  /** Where checkpoints and media go (the same store the web app reads). */
  artifactStore: ArtifactStoreConfig;
  /** Local directory for checkpoint files in transit; default the system temp directory's seqlab-spool. */
  spoolDir?: string;
  /** Told of points and checkpoints its attempts persist (the worker's Prometheus counters). */
  observer?: AttemptObserver;
}

/** How often a worker deletes store objects no artifact names any more (replaced, fenced, or of deleted runs). */
const GARBAGE_COLLECTION_MS = 6 * 60 * 60_000;

/** How often a worker proves it is alive; the dashboard calls it lost after 30 s without one. */
const HEARTBEAT_MS = 5_000;
/** The repository root: training processes run there so `--import tsx` resolves. */
const ROOT = path.resolve(__dirname, "../../..");

export interface SeqlabWorker {
  id: string;
  backend: { backend: string; reason: string; device: string };
  /**
   * Stops taking jobs. With `handover`, running attempts checkpoint and go back to the queue for another worker;
   * without it, they are left to finish. Resolves when no job is active.
   */
  close(options?: { handover?: boolean }): Promise<void>;
  /** Process ids of the training processes running attempts now (tests kill them). */
  trainingPids(): number[];
}

/** A worker: registers itself, keeps a warm training process per slot, and supervises the runs it takes. */
export async function createWorker(config: WorkerConfig): Promise<SeqlabWorker> {
  const log = config.log ?? ((m: string) => console.log(`[worker] ${m}`));
  const id = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const trainerOptions = {
    backend: config.backend,
    memoryMb: config.trainerMemoryMb ?? 4096,
    cudaVisibleDevices: config.device,
    cwd: ROOT,
  };
  const warm: TrainerProcess[] = [];
  const spawnWarm = () => {
    const p = new TrainerProcess(trainerOptions);
    p.onOutput = (line) => log(`training process: ${line}`);
    warm.push(p);
    return p;
  };
  // The first warm process also tells us which backend this machine trains on.
  const first = spawnWarm();
  const ready = await first.ready;
  const backend = { backend: ready.backend, reason: ready.reason, device: ready.device };
  const concurrency = config.concurrency ?? 1;
  for (let i = 1; i < concurrency; i++) spawnWarm();
  const takeTrainer = () => {
    let p = warm.shift();
    while (p && !p.alive) p = warm.shift();
    const taken = p ?? new TrainerProcess(trainerOptions);
    busy.add(taken);
    void taken.exited.then(() => busy.delete(taken));
    return taken;
  };

  const runs = new RunRepository(config.prisma);
  const metrics = new MetricRepository(config.prisma);
  const artifactStore = createArtifactStore(config.artifactStore);
  const artifacts = new ArtifactRepository(config.prisma, artifactStore);
  const spoolDir = config.spoolDir ?? path.join(tmpdir(), "seqlab-spool");
  const events = new EventRepository(config.prisma);
  const workers = new WorkerRepository(config.prisma);
  const sweeps = new SweepRepository(config.prisma);
  const redis = createRedisClient(config.redisUrl);
  const bullConnection = createRedisClient(config.redisUrl);
  const active = new Map<string, SupervisionControl | null>();
  const busy = new Set<TrainerProcess>();
  let handingOver = false;

  await workers.register({
    id,
    host: hostname(),
    pid: process.pid,
    backend: backend.backend,
    device:
      backend.device === "cpu" || backend.backend !== "tensorflow"
        ? `${backend.device} (${cpus()[0]?.model ?? "cpu"})`
        : backend.device,
    deviceMemory: BigInt(totalmem()),
    concurrency,
    queues: config.queues,
    version: "0.1.0",
  });
  log(`worker ${id} on ${backend.backend} (${backend.reason}); queues: ${config.queues.join(", ")}`);
  // Artifacts from before the artifact store still hold their bytes in PostgreSQL: move them, in the background
  // (they stay readable where they are meanwhile), then keep the store free of orphans.
  const maintainStore = async () => {
    try {
      let moved = 0;
      for (
        let batch = await artifacts.migrateLegacyContent();
        batch > 0;
        batch = await artifacts.migrateLegacyContent()
      )
        moved += batch;
      if (moved > 0) log(`moved ${moved} artifacts from the database into the ${artifactStore.backend} artifact store`);
      const collected = await artifacts.collectGarbage();
      if (collected > 0) log(`deleted ${collected} unreferenced objects from the artifact store`);
    } catch (e) {
      log(`artifact store maintenance failed (retried later): ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  let storeMaintenance: NodeJS.Timeout;
  const scheduleMaintenance = (delayMs: number) => {
    storeMaintenance = setTimeout(
      () => void maintainStore().then(() => scheduleMaintenance(GARBAGE_COLLECTION_MS)),
      delayMs,
    );
    storeMaintenance.unref();
  };
  scheduleMaintenance(5_000);
  const heartbeat = setInterval(() => {
    const current = [...active.keys()][0] ?? null;
    workers.heartbeat(id, current).catch((e) => log(`heartbeat failed: ${e instanceof Error ? e.message : String(e)}`));
  }, HEARTBEAT_MS);

  const bullWorkers: BullWorker[] = config.queues.map((queue) =>
    createTrainingWorker({
      connection: bullConnection,
      queue,
      prefix: config.prefix,
      concurrency,
      handler: async (payload, job, token) => {
        active.set(payload.runId, null);
        try {
          const result = await superviseRun(
            payload,
            {
              runs,
              metrics,
              artifacts,
              events,
              redis,
              workerId: id,
              backend,
              takeTrainer,
              log,
              fault: config.fault,
              gpuIndex: config.device,
              spoolDir,
              ...(config.observer ? { observer: config.observer } : {}),
            },
            (control) => {
              active.set(payload.runId, control);
              if (handingOver) control.requestHandover();
            },
          );
          if (result.kind === "crashed") throw new Error(result.reason);
          if (result.kind === "handover") {
            // Back to the waiting list, not failed: another worker takes it and resumes from the checkpoint.
            await job.moveToWait(token);
            throw new WaitingError();
          }
        } finally {
          active.delete(payload.runId);
          if (!handingOver && warm.length < concurrency) spawnWarm();
        }
      },
      onInvalidPayload: async (job, reason) => {
        log(`job ${job.id}: ${reason}`);
        const runId = typeof job.data?.runId === "string" ? job.data.runId : null;
        if (runId) {
          await runs.failRun(runId, reason).catch(() => undefined);
          await events.addEvent(runId, { level: "error", message: reason }).catch(() => undefined);
          await publishRunEvent(redis, { type: "status", runId, status: "FAILED", errorReason: reason }).catch(
            () => undefined,
          );
        }
      },
    }),
  );
  for (const w of bullWorkers) w.on("error", (e) => log(`queue error: ${e.message}`));

  // A sweep trial's end is its report to the sweep controller, sent once BullMQ has let go of the job (so the
  // controller can queue the promoted trial under the same job id at once). A report lost here is made up by the tick.
  const sweepQueue = new SweepQueue({ connection: bullConnection, prefix: config.prefix });
  const reportTrial = (runId: unknown) => {
    if (typeof runId !== "string") return;
    void sweeps
      .sweepOfRun(runId)
      .then((sweepId) => (sweepId ? sweepQueue.advance(sweepId) : undefined))
      .catch((e: unknown) => log(`run ${runId}: reporting to its sweep failed: ${String(e)}`));
  };
  for (const w of bullWorkers) {
    w.on("completed", (job) => reportTrial(job.data?.runId));
    w.on("failed", (job) => reportTrial(job?.data?.runId));
  }

  return {
    id,
    backend,
    trainingPids: () => [...busy].map((p) => p.child.pid).filter((pid): pid is number => pid !== undefined),
    async close(options = {}) {
      if (options.handover) {
        handingOver = true;
        for (const control of active.values()) control?.requestHandover();
      }
      await Promise.all(bullWorkers.map((w) => w.close()));
      await sweepQueue.close();
      clearInterval(heartbeat);
      clearTimeout(storeMaintenance);
      for (const p of warm.splice(0)) p.kill();
      await workers.markStopped(id).catch(() => undefined);
      redis.disconnect();
      bullConnection.disconnect();
      await artifactStore.close();
    },
  };
}
