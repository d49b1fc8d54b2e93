import type { Cluster, Redis } from "ioredis";
import type { ArtifactRepository, RunRepository, WorkerRepository, WorkerState } from "@seqlab/db";
import type { TrainingQueue } from "@seqlab/queue";
import { collectDefaultMetrics, Counter, Gauge, Registry } from "prom-client";
import type { Services } from "./services";
import type { StreamLimiter } from "./stream-limiter";

/** What the web process's metrics read: repositories, queues and the stream limiter (a test passes its own). */
export interface PrometheusDeps {
  runs: RunRepository;
  workers: WorkerRepository;
  artifacts: ArtifactRepository;
  streams: StreamLimiter;
  queueFor: (queue: string) => TrainingQueue;
  /** The Redis the queues live in: job hashes are read from it directly. */
  redis: Redis | Cluster;
}

/** The web process's Prometheus registry and the counters that requests increment. */
export interface WebPrometheus {
  registry: Registry;
  /** Metric points stored through the client API (`POST /api/v1/runs/:id/points`), new points only. */
  pointsIngested: Counter<"source">;
}

/** The state of the queues, runs, workers and checkpoints at one moment: one set of reads shared by every gauge. */
interface Snapshot {
  queues: { name: string; waiting: number; oldestWaitingSeconds: number; running: number }[];
  workers: Record<WorkerState, number>;
  checkpointBytes: number;
}

/**
 * Gauges read by one scrape share one snapshot taken at most this long ago. A scrape reads each gauge in turn, and
 * two scrapers (a Prometheus HA pair) a second apart need not each query the database.
 */
const SNAPSHOT_TTL_MS = 1_000;

/** The queue KEDA scales CPU workers on: always exported, so its series exists (as 0) before any run uses it. */
const ALWAYS_EXPORTED_QUEUE = "default";

/**
 * Builds a registry for one web process. Queue, run, worker and checkpoint gauges are read at scrape time (prom-client
 * `collect`) and describe the whole install: every web replica reports the same values, so queries take `max`, not
 * `sum`, of them. Stream and ingest metrics belong to the replica and are summed.
 */
export function createWebPrometheus(deps: PrometheusDeps): WebPrometheus {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  let cached: { at: number; snapshot: Promise<Snapshot> } | null = null;
  const snapshot = (): Promise<Snapshot> => {
    if (cached && Date.now() - cached.at < SNAPSHOT_TTL_MS) return cached.snapshot;
    const taken = { at: Date.now(), snapshot: takeSnapshot(deps) };
    cached = taken;
    // A failed read is not remembered: the next scrape tries again.
    taken.snapshot.catch(() => {
      if (cached === taken) cached = null;
    });
    return taken.snapshot;
  };

  new Gauge({
    name: "seqlab_queue_waiting_jobs",
    help: "Training jobs waiting in a queue for a worker (BullMQ wait + prioritized). Same on every web replica: use max.",
    labelNames: ["queue"] as const,
    registers: [registry],
    async collect() {
      const s = await snapshot();
      this.reset();
      for (const q of s.queues) this.set({ queue: q.name }, q.waiting);
    },
  });
  new Gauge({
    name: "seqlab_queue_oldest_waiting_seconds",
    help: "Age of the longest-waiting job in a queue, 0 when none waits. Same on every web replica: use max.",
    labelNames: ["queue"] as const,
    registers: [registry],
    async collect() {
      const s = await snapshot();
      this.reset();
      for (const q of s.queues) this.set({ queue: q.name }, q.oldestWaitingSeconds);
    },
  });
  new Gauge({
    name: "seqlab_runs_running",
    help: "Runs training on a worker now, by queue (external runs not included). Same on every web replica: use max.",
    labelNames: ["queue"] as const,
    registers: [registry],
    async collect() {
      const s = await snapshot();
      this.reset();
      for (const q of s.queues) this.set({ queue: q.name }, q.running);
    },
  });
  new Gauge({
    name: "seqlab_workers",
    help: "Registered workers by state: idle, busy, lost (no heartbeat for 30 s), stopped. Same on every web replica.",
    labelNames: ["state"] as const,
    registers: [registry],
    async collect() {
      const s = await snapshot();
      for (const [state, count] of Object.entries(s.workers)) this.set({ state }, count);
    },
  });
  new Gauge({
    name: "seqlab_checkpoint_bytes",
    help: "Bytes of all stored checkpoints. Same on every web replica: use max.",
    registers: [registry],
    async collect() {
      this.set((await snapshot()).checkpointBytes);
    },
  });
  new Gauge({
    name: "seqlab_sse_connections_open",
    help: "Live server-sent event streams this web replica holds open (sum over replicas).",
    registers: [registry],
    collect() {
      this.set(deps.streams.openCount);
    },
  });
  const pointsIngested = new Counter({
    name: "seqlab_metric_points_ingested_total",
    help: 'Metric points stored: source="client-api" by web replicas (external runs), "worker" by workers.',
    labelNames: ["source"] as const,
    registers: [registry],
  });
  // Exported from the start (0), so a rate over it exists before the first point arrives.
  pointsIngested.inc({ source: "client-api" }, 0);
  return { registry, pointsIngested };
}

async function takeSnapshot(deps: PrometheusDeps): Promise<Snapshot> {
  const [counts, knownQueues, workers, checkpointBytes] = await Promise.all([
    deps.runs.queueCounts(),
    deps.workers.knownQueues(),
    deps.workers.countByState(),
    deps.artifacts.checkpointBytes(),
  ]);
  // Every queue that has runs or has had workers: a queue's series stays (at 0) once seen, so an autoscaler reading
  // it can tell "nothing to do" from "no data".
  const names = [...new Set([ALWAYS_EXPORTED_QUEUE, ...counts.map((c) => c.queue), ...knownQueues])].sort();
  const now = Date.now();
  const queues = await Promise.all(
    names.map(async (name) => {
      const waiting = await oldestWaiting(deps.redis, deps.queueFor(name));
      return {
        name,
        waiting: waiting.count,
        oldestWaitingSeconds: waiting.oldest === null ? 0 : Math.max(0, (now - waiting.oldest) / 1000),
        running: counts.find((c) => c.queue === name)?.running ?? 0,
      };
    }),
  );
  return { queues, workers, checkpointBytes };
}

/**
 * How many jobs wait in a queue and when the oldest was queued. Every seqlab job carries a priority, so BullMQ keeps
 * them in a sorted set ordered by priority, not age: the oldest can be anywhere, and only its creation time (the
 * job hash's `timestamp`) is read for each, in one pipelined round trip rather than loading every job's payload.
 */
async function oldestWaiting(
  redis: Redis | Cluster,
  queue: TrainingQueue,
): Promise<{ count: number; oldest: number | null }> {
  const ids = await queue.queue.getRanges(["wait", "prioritized"], 0, -1, true);
  if (ids.length === 0) return { count: 0, oldest: null };
  const pipeline = redis.pipeline();
  for (const id of ids) pipeline.hget(queue.queue.toKey(id), "timestamp");
  let oldest: number | null = null;
  for (const [error, value] of (await pipeline.exec()) ?? []) {
    const at = error ? NaN : Number(value);
    // A job removed between the two reads has no hash any more (null): it no longer waits.
    if (Number.isFinite(at) && at > 0 && (oldest === null || at < oldest)) oldest = at;
  }
  return { count: ids.length, oldest };
}

/**
 * The registry of a process's services, created on first use. Kept on globalThis (as services.ts keeps the
 * services): Next may load this module once per route bundle, and the points route's counter must be the one the
 * metrics route exports. Keyed by the services object, so each test app gets its own.
 */
const processWide = globalThis as unknown as { seqlabPrometheus?: WeakMap<Services, WebPrometheus> };

/** The Prometheus registry of these services (one per process in production). */
export function prometheusFor(services: Services): WebPrometheus {
  processWide.seqlabPrometheus ??= new WeakMap();
  let prometheus = processWide.seqlabPrometheus.get(services);
  if (!prometheus) {
    prometheus = createWebPrometheus(services);
    processWide.seqlabPrometheus.set(services, prometheus);
  }
  return prometheus;
}
