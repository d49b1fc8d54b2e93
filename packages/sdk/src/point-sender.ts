import { randomUUID } from "node:crypto";
import type { MetricPoint } from "@seqlab/contracts";
import type { Spool } from "./spool";
import { TransportError, type PointBatch, type Transport } from "./transport";
import { messageOf } from "./message-of";

export interface PointSenderOptions {
  runId: string;
  transport: Transport;
  spool: Spool;
  /** Points per batch (the API takes at most 1000). */
  batchSize?: number;
  /** A partial batch goes out this long after its first point. */
  flushMs?: number;
  /** Tries per batch before it is spooled to disk; the waits between them double from `backoffMs`. */
  attempts?: number;
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Told, once per kind of trouble, what went wrong (never thrown into the training loop). */
  onProblem?: (message: string) => void;
}

/** What became of every point by the time `finish` returned. */
export interface SendReport {
  /** Points the server acknowledged. */
  sent: number;
  /** Points written to the spool, to be sent by the next `init` or `seqlab sync`. */
  spooled: number;
  /** Points the server refused (a 400 or a revoked key): sending them again cannot help. */
  refused: number;
}

const sleep = (ms: number, signal: { stop: boolean }) =>
  new Promise<void>((resolve) => {
    // In slices of at most 50 ms, so `finish` cuts a long backoff short.
    const step = () => {
      if (signal.stop || ms <= 0) return resolve();
      const slice = Math.min(50, ms);
      setTimeout(() => ((ms -= slice), step()), slice).unref();
    };
    step();
  });

/**
 * The SDK's outbox: `record` only appends to an array (the training loop never waits or catches), a background
 * loop cuts batches (up to `batchSize` points or every `flushMs`) and sends them one at a time, retrying with
 * exponential backoff; a batch that still fails is spooled to disk. `finish(timeoutMs)` returns by its deadline
 * whatever the server does, spooling what is left.
 */
export class PointSender {
  private pending: MetricPoint[] = [];
  private readonly outbox: PointBatch[] = [];
  private readonly report: SendReport = { sent: 0, spooled: 0, refused: 0 };
  private readonly told = new Set<string>();
  private readonly stop = { stop: false };
  private loop: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly batchSize: number;
  private readonly flushMs: number;

  constructor(private readonly options: PointSenderOptions) {
    this.batchSize = options.batchSize ?? 1000;
    this.flushMs = options.flushMs ?? 1000;
  }

  /** Queues points; never blocks, never throws. */
  record(points: readonly MetricPoint[]): void {
    for (const p of points) this.pending.push(p);
    this.schedule();
  }

  /** Queues one point, without the array `record` takes: what `Run.log` calls, once per metric. */
  recordPoint(point: MetricPoint): void {
    this.pending.push(point);
    this.schedule();
  }

  /** Cuts full batches at once and arms the flush timer for a partial one. */
  private schedule(): void {
    if (this.pending.length >= this.batchSize) this.kick(false);
    if (this.pending.length > 0 && this.timer === null && !this.stop.stop) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.kick(true);
      }, this.flushMs);
      this.timer.unref();
    }
  }

  private problem(kind: string, message: string): void {
    if (this.told.has(kind)) return;
    this.told.add(kind);
    this.options.onProblem?.(message);
  }

  /** Cuts the pending points into full batches (and a partial one with `all`) and makes sure the send loop runs. */
  private kick(all: boolean): void {
    while (this.pending.length >= this.batchSize || (all && this.pending.length > 0)) {
      const points = this.pending.slice(0, this.batchSize);
      this.pending = this.pending.slice(this.batchSize);
      this.outbox.push({ batchId: randomUUID(), runId: this.options.runId, points });
    }
    this.loop ??= this.drainOutbox().finally(() => {
      this.loop = null;
      if (this.outbox.length > 0 && !this.stop.stop) this.kick(false);
    });
  }

  private async drainOutbox(): Promise<void> {
    const attempts = this.options.attempts ?? 5;
    while (this.outbox.length > 0 && !this.stop.stop) {
      const batch = this.outbox[0]!;
      let wait = this.options.backoffMs ?? 250;
      for (let attempt = 1; ; attempt++) {
        try {
          await this.options.transport.sendPoints(batch);
          if (this.outbox[0] === batch) this.outbox.shift();
          this.report.sent += batch.points.length;
          break;
        } catch (error) {
          // `finish` took the batch from the outbox and spooled it while this send was in flight: nothing to do.
          if (this.outbox[0] !== batch) break;
          const message = messageOf(error);
          if (error instanceof TransportError && !error.retryable) {
            this.problem("refused", `seqlab refused a batch of points: ${message}`);
            if (this.outbox[0] === batch) this.outbox.shift();
            this.report.refused += batch.points.length;
            break;
          }
          if (attempt >= attempts || this.stop.stop) {
            this.problem("spooled", `seqlab is unreachable (${message}): points are kept on disk and sent later`);
            if (this.outbox[0] === batch) this.outbox.shift();
            await this.spoolBatch(batch);
            break;
          }
          await sleep(wait, this.stop);
          wait = Math.min(wait * 2, this.options.maxBackoffMs ?? 30_000);
        }
      }
    }
  }

  private async spoolBatch(batch: PointBatch): Promise<void> {
    try {
      await this.options.spool.add(batch);
      this.report.spooled += batch.points.length;
    } catch (error) {
      this.problem("spool", `seqlab could not write its spool: ${String(error)}; ${batch.points.length} points lost`);
    }
  }

  /**
   * Sends what is left, for at most `timeoutMs`, then spools whatever the server has not acknowledged (a batch in
   * flight included: if its answer still comes, the server stores it once, by its batch id). Never rejects.
   */
  async finish(timeoutMs = 5000): Promise<SendReport> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.kick(true);
    let timedOut = false;
    let deadline: NodeJS.Timeout | undefined;
    await Promise.race([
      this.loop ?? Promise.resolve(),
      new Promise<void>((resolve) => {
        deadline = setTimeout(() => {
          timedOut = true;
          resolve();
        }, timeoutMs);
        deadline.unref();
      }),
    ]);
    clearTimeout(deadline);
    this.stop.stop = true;
    if (timedOut) this.problem("timeout", `seqlab did not answer within ${timeoutMs} ms: the rest is spooled`);
    const left = this.outbox.splice(0);
    for (const batch of left) await this.spoolBatch(batch);
    return { ...this.report };
  }
}
