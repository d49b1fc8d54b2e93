import type { Db } from "./types";

export interface WorkerRegistration {
  id: string;
  host: string;
  pid: number;
  backend: string;
  device: string;
  deviceMemory?: bigint | null;
  concurrency: number;
  queues: string[];
  version: string;
}

/** A worker whose heartbeat (every 5 s) is older than this is lost: six missed beats, not a slow database. */
export const LOST_AFTER_MS = 30_000;

/** A worker's state as {@link WorkerRepository.listWorkers} derives it: training, waiting, silent, shut down. */
export type WorkerState = "idle" | "busy" | "lost" | "stopped";

/** Workers as first-class rows: registration, heartbeats and the run each is on. */
export class WorkerRepository {
  constructor(private readonly db: Db) {}

  async register(worker: WorkerRegistration): Promise<void> {
    const now = new Date();
    await this.db.worker.upsert({
      where: { id: worker.id },
      update: { ...worker, lastHeartbeat: now, stoppedAt: null },
      create: { ...worker, startedAt: now, lastHeartbeat: now },
    });
  }

  async heartbeat(id: string, currentRunId: string | null): Promise<void> {
    await this.db.worker.update({ where: { id }, data: { lastHeartbeat: new Date(), currentRunId } });
  }

  async markStopped(id: string): Promise<void> {
    await this.db.worker.update({ where: { id }, data: { stoppedAt: new Date(), currentRunId: null } });
  }

  /**
   * Whether a live worker (registered, not stopped, heartbeat within `lostAfterMs`) serves `queue`. A launch onto a
   * queue nobody serves is accepted (a worker may start later), but the user is told.
   */
  async isQueueServed(queue: string, lostAfterMs = LOST_AFTER_MS): Promise<boolean> {
    const count = await this.db.worker.count({
      where: { stoppedAt: null, lastHeartbeat: { gt: new Date(Date.now() - lostAfterMs) }, queues: { has: queue } },
    });
    return count > 0;
  }

  /** Every worker with a derived state: "lost" when its heartbeat is older than `lostAfterMs`. */
  async listWorkers(lostAfterMs = LOST_AFTER_MS): Promise<
    (WorkerRegistration & {
      state: WorkerState;
      lastHeartbeat: string;
      currentRunId: string | null;
    })[]
  > {
    const rows = await this.db.worker.findMany({ orderBy: { startedAt: "desc" } });
    const now = Date.now();
    return rows.map((w) => ({
      id: w.id,
      host: w.host,
      pid: w.pid,
      backend: w.backend,
      device: w.device,
      deviceMemory: w.deviceMemory,
      concurrency: w.concurrency,
      queues: w.queues,
      version: w.version,
      lastHeartbeat: w.lastHeartbeat.toISOString(),
      currentRunId: w.currentRunId,
      state: w.stoppedAt
        ? "stopped"
        : now - w.lastHeartbeat.getTime() > lostAfterMs
          ? "lost"
          : w.currentRunId
            ? "busy"
            : "idle",
    }));
  }

  /**
   * How many workers are in each state (the rule of {@link listWorkers}), counted in the database: stopped workers
   * keep their rows, so an autoscaled cluster has many more rows than live workers.
   */
  async countByState(lostAfterMs = LOST_AFTER_MS): Promise<Record<WorkerState, number>> {
    const lostBefore = new Date(Date.now() - lostAfterMs);
    const rows = await this.db.$queryRaw<{ state: WorkerState; count: bigint }[]>`
      SELECT CASE
               WHEN "stoppedAt" IS NOT NULL THEN 'stopped'
               WHEN "lastHeartbeat" < ${lostBefore} THEN 'lost'
               WHEN "currentRunId" IS NOT NULL THEN 'busy'
               ELSE 'idle'
             END AS state,
             count(*) AS count
      FROM "Worker" GROUP BY 1`;
    const counts: Record<WorkerState, number> = { idle: 0, busy: 0, lost: 0, stopped: 0 };
    for (const r of rows) counts[r.state] = Number(r.count);
    return counts;
  }

  /** Every queue a worker has registered for, stopped workers included: the queues this install has served. */
  async knownQueues(): Promise<string[]> {
    const rows = await this.db.$queryRaw<{ queue: string }[]>`
      SELECT DISTINCT unnest(queues) AS queue FROM "Worker" ORDER BY 1`;
    return rows.map((r) => r.queue);
  }
}
