import type { RedisClient } from "@seqlab/queue";
import { foldSummary, type MetricPoint, type MetricSummary } from "@seqlab/contracts";
import type { MetricRepository } from "@seqlab/db";
import { publishRunEvent } from "@seqlab/queue";

export interface MetricWriterOptions {
  runId: string;
  /**
   * The attempt writing (a worker's run): points are persisted only while it is the run's current attempt. Without
   * it (tests of the buffering alone) every point is written.
   */
  attempt?: number;
  /** Called once when the database says another attempt owns the run: this writer has stopped writing. */
  onFenced?: () => void;
  metrics: MetricRepository;
  redis: RedisClient;
  /** Flush to the database at least this often. 250 ms keeps a refreshed page at most a quarter second behind. */
  flushIntervalMs?: number;
  /** Flush as soon as this many points are buffered (MLflow's batch limit is the same 1000). */
  maxBatch?: number;
  /** Points kept in memory while the database is unreachable; older ones are dropped (and counted) past this. */
  maxBuffered?: number;
  onError?: (error: unknown) => void;
  /** Called with the number of points each successful write persisted (the worker's ingest counter). */
  onPersisted?: (count: number) => void;
  /**
   * A write still unanswered after this long counts as failed for publishing: a host whose link is cut gets no error,
   * only silence (TCP retransmits for minutes), and what it publishes meanwhile would reach viewers when the link
   * comes back, possibly after the run resumed elsewhere.
   */
  unconfirmedAfterMs?: number;
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
  /** Set when the database refused a batch because another attempt owns the run; nothing is written after that. */
  fenced = false;
  /**
   * False from a failed write until the next write succeeds. A worker that cannot reach the database may have been
   * cut off while the run resumed elsewhere, so until a fenced write confirms it still owns the run it publishes
   * nothing to live viewers: its points are held back here and published when (and only if) it is confirmed.
   */
  private confirmed = true;
  private heldBack: MetricPoint[] = [];
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
    if (points.length === 0 || this.fenced) return;
    if (this.confirmed) this.publish(points);
    else {
      this.heldBack.push(...points);
      if (this.heldBack.length > this.maxBuffered) this.heldBack.splice(0, this.heldBack.length - this.maxBuffered);
    }
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

  private publish(points: MetricPoint[]): void {
    publishRunEvent(this.options.redis, { type: "metrics", runId: this.options.runId, points }).catch((e) =>
      this.options.onError?.(e),
    );
  }

  /** One batch to the database: fenced by the attempt when there is one. Returns false when fenced. */
  private async persist(batch: MetricPoint[]): Promise<boolean> {
    if (this.options.attempt === undefined) {
      await this.options.metrics.insertPoints(this.options.runId, batch);
      return true;
    }
    const result = await this.options.metrics.insertAttemptPoints(this.options.runId, this.options.attempt, batch);
    if (!result.fenced) return true;
    this.fenced = true;
    this.buffer = [];
    this.heldBack = [];
    this.progress = new Map();
    this.options.onFenced?.();
    return false;
  }

  /** A write went through: this attempt still owns the run, so what was held back goes out to viewers now. */
  private confirm(): void {
    if (this.confirmed) return;
    this.confirmed = true;
    const held = this.heldBack;
    this.heldBack = [];
    for (let i = 0; i < held.length; i += this.maxBatch) this.publish(held.slice(i, i + this.maxBatch));
    if (this.progress.size > 0 && !this.progressTimer) this.publishProgress();
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
    if (this.progress.size === 0 || !this.confirmed || this.fenced) return;
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
        const silence = setTimeout(() => (this.confirmed = false), this.options.unconfirmedAfterMs ?? 2_000);
        try {
          if (!(await this.persist(batch))) return;
        } catch (error) {
          this.confirmed = false;
          this.options.onError?.(error);
          // Keep the points and try again later: the database may be restarting.
          if (!this.timer) this.timer = setTimeout(() => void this.flush(), 1_000);
          return;
        } finally {
          clearTimeout(silence);
        }
        this.buffer.splice(0, batch.length);
        this.persisted += batch.length;
        this.options.onPersisted?.(batch.length);
        this.confirm();
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
      const batch = this.buffer;
      if (await this.persist(batch)) {
        this.persisted += batch.length;
        this.options.onPersisted?.(batch.length);
        this.buffer = [];
        this.confirm();
      }
    }
  }
}
