import type { Redis } from "ioredis";
import { foldSummary, type MetricPoint, type MetricSummary } from "@seqlab/contracts";
import type { MetricRepository } from "@seqlab/db";
import { publishRunEvent } from "@seqlab/queue";

export interface MetricWriterOptions {
  runId: string;
  metrics: MetricRepository;
  redis: Redis;
  /** Flush to the database at least this often. 250 ms keeps a refreshed page at most a quarter second behind. */
  flushIntervalMs?: number;
  /** Flush as soon as this many points are buffered (MLflow's batch limit is the same 1000). */
  maxBatch?: number;
  /** Points kept in memory while the database is unreachable; older ones are dropped (and counted) past this. */
  maxBuffered?: number;
  onError?: (error: unknown) => void;
  /** Least time between two progress events of this run on the runs channel (the runs table's live rows). */
  progressIntervalMs?: number;
}

/**
 * Streams a run's metric points: published to live viewers at once, persisted to the database in batches.
 * Publishing is fire-and-forget and persistence retries on the next tick, so a slow database never
 * blocks a training step.
 */
export class MetricWriter {
  private buffer: MetricPoint[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private readonly flushIntervalMs: number;
  private readonly maxBatch: number;
  private readonly maxBuffered: number;
  /** Points persisted so far. */
  persisted = 0;
  /** Points dropped because the buffer bound was hit. */
  dropped = 0;
  /** Each key's summary over the points recorded since the last progress event. */
  private progress = new Map<string, MetricSummary>();
  private progressTimer: NodeJS.Timeout | null = null;
  private lastProgressAt = 0;

  constructor(private readonly options: MetricWriterOptions) {
    this.flushIntervalMs = options.flushIntervalMs ?? 250;
    this.maxBatch = options.maxBatch ?? 1000;
    this.maxBuffered = options.maxBuffered ?? 1_000_000;
  }

  /** Records points: publishes them now and schedules their batched insert. */
  record(points: MetricPoint[]): void {
    if (points.length === 0) return;
    publishRunEvent(this.options.redis, { type: "metrics", runId: this.options.runId, points }).catch((e) =>
      this.options.onError?.(e),
    );
    this.noteProgress(points);
    this.buffer.push(...points);
    if (this.buffer.length > this.maxBuffered) {
      const excess = this.buffer.length - this.maxBuffered;
      this.buffer.splice(0, excess);
      if (this.dropped === 0)
        this.options.onError?.(
          new Error(`metric buffer full at its bound of ${this.maxBuffered} points: dropping the oldest`),
        );
      this.dropped += excess;
    }
    if (this.buffer.length >= this.maxBatch) void this.flush();
    else if (!this.timer) this.timer = setTimeout(() => void this.flush(), this.flushIntervalMs);
  }

  /** Folds points into the progress window and publishes it now or when the interval allows (never faster). */
  private noteProgress(points: readonly MetricPoint[]): void {
    for (const p of points) {
      const finite = Number.isNaN(p.value) ? null : p.value;
      this.progress.set(
        p.key,
        foldSummary(this.progress.get(p.key), {
          key: p.key,
          last: p.value,
          min: finite,
          max: finite,
          step: p.step,
          count: 1,
          wallTime: p.wallTime,
        }),
      );
    }
    if (this.progressTimer) return;
    const interval = this.options.progressIntervalMs ?? 500;
    const wait = Math.max(0, this.lastProgressAt + interval - Date.now());
    this.progressTimer = setTimeout(() => this.publishProgress(), wait);
  }

  private publishProgress(): void {
    if (this.progressTimer) clearTimeout(this.progressTimer);
    this.progressTimer = null;
    if (this.progress.size === 0) return;
    const summaries = [...this.progress.values()];
    this.progress = new Map();
    this.lastProgressAt = Date.now();
    const step = Math.max(...summaries.map((s) => s.step));
    publishRunEvent(this.options.redis, { type: "progress", runId: this.options.runId, step, summaries }).catch((e) =>
      this.options.onError?.(e),
    );
  }

  /** Persists everything buffered; resolves when the buffer is empty or the database refused (points kept). */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.flushing) return this.flushing.then(() => (this.buffer.length ? this.flush() : undefined));
    this.flushing = (async () => {
      while (this.buffer.length > 0) {
        const batch = this.buffer.slice(0, this.maxBatch);
        try {
          await this.options.metrics.insertPoints(this.options.runId, batch);
        } catch (error) {
          this.options.onError?.(error);
          // Keep the points and try again later: the database may be restarting.
          if (!this.timer) this.timer = setTimeout(() => void this.flush(), 1_000);
          return;
        }
        this.buffer.splice(0, batch.length);
        this.persisted += batch.length;
      }
    })();
    try {
      await this.flushing;
    } finally {
      this.flushing = null;
    }
  }

  /** Persists everything recorded so far, or throws (points kept) if the database refused some. */
  async persistAll(): Promise<void> {
    await this.flush();
    if (this.buffer.length > 0) throw new Error(`${this.buffer.length} metric points are not persisted yet`);
  }

  /** Flushes and stops the timer. Throws if points could not be persisted, so the run is not marked done early. */
  async close(): Promise<void> {
    this.publishProgress();
    await this.flush();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.buffer.length > 0) {
      await this.options.metrics.insertPoints(this.options.runId, this.buffer);
      this.persisted += this.buffer.length;
      this.buffer = [];
    }
  }
}
