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

  /** Every worker with a derived state: "lost" when its heartbeat is older than `lostAfterMs`. */
  async listWorkers(lostAfterMs = 30_000): Promise<
    (WorkerRegistration & {
      state: "idle" | "busy" | "lost" | "stopped";
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
}
