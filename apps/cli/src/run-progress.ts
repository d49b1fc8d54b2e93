import type { MetricPoint } from "@seqlab/contracts";
import type { CliRunDetail, CliStreamEvent } from "./api-schemas";
import { formatDuration, formatMetric } from "./output/format";
import type { ProgressFrame } from "./progress-display";

/** Steps per second are measured over the points of this last stretch of wall time: recent, yet not jumpy. */
const RATE_WINDOW_MS = 30_000;
/** Below this much wall time between samples a rate is noise (the first two points of a run). */
const MIN_RATE_SPAN_MS = 1_000;

/** The training loss, shown first: it moves every step. */
const TRAIN_LOSS = "train/loss";

/**
 * What following a run shows, folded from its stream: the step (the largest seen, so a snapshot sent again on a
 * reconnect, or a resumed attempt re-training a few steps, never moves it back), the status, the latest value of
 * each metric, and a rate measured from the points' own wall times.
 */
export class RunProgress {
  status: string;
  step: number;
  /** The steps it will train (its training settings', or what an external run's script said); null: unknown. */
  readonly totalSteps: number | null;
  errorReason: string | null;
  /** A note shown in place of the rate while the stream is down ("reconnecting"). */
  connectionNote: string | null = null;
  private readonly latest = new Map<string, { step: number; value: number }>();
  private samples: { at: number; step: number }[] = [];

  constructor(run: CliRunDetail) {
    this.status = run.status;
    this.step = run.lastStep ?? 0;
    this.totalSteps = run.config?.training.steps ?? run.externalInfo?.totalSteps ?? null;
    this.errorReason = run.errorReason;
  }

  /** Takes the stored run's final word once it has ended: its status, last step and reason. */
  settle(run: CliRunDetail): void {
    this.status = run.status;
    this.advance(run.lastStep ?? 0);
    this.errorReason = run.errorReason ?? this.errorReason;
  }

  /** Folds an event in; returns whether the status changed. */
  apply(event: CliStreamEvent): { statusChanged: boolean } {
    switch (event.type) {
      case "status": {
        const changed = event.status !== this.status;
        this.status = event.status;
        if (event.errorReason !== undefined) this.errorReason = event.errorReason;
        return { statusChanged: changed };
      }
      case "series":
        for (const { key, buckets } of event.series.series) {
          const last = buckets[buckets.length - 1];
          if (last) this.record(key, last.step, last.last);
        }
        return { statusChanged: false };
      case "metrics":
        this.addPoints(event.points);
        return { statusChanged: false };
      case "progress":
        this.advance(event.step);
        return { statusChanged: false };
      default:
        return { statusChanged: false };
    }
  }

  private record(key: string, step: number, value: number): void {
    const known = this.latest.get(key);
    if (!known || step >= known.step) this.latest.set(key, { step, value });
    this.advance(step);
  }

  private advance(step: number): void {
    if (step > this.step) this.step = step;
  }

  private addPoints(points: readonly MetricPoint[]): void {
    let newest: MetricPoint | undefined;
    for (const point of points) {
      this.record(point.key, point.step, point.value);
      if (!newest || point.step > newest.step) newest = point;
    }
    const lastSample = this.samples[this.samples.length - 1];
    if (newest && (!lastSample || newest.step > lastSample.step)) {
      this.samples.push({ at: newest.wallTime, step: newest.step });
      this.samples = this.samples.filter((s) => s.at >= newest.wallTime - RATE_WINDOW_MS);
    }
  }

  /** Training steps per second over the last {@link RATE_WINDOW_MS}; null until that can be told. */
  stepsPerSecond(): number | null {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || last.at - first.at < MIN_RATE_SPAN_MS) return null;
    return ((last.step - first.step) * 1000) / (last.at - first.at);
  }

  /** Time left at the current rate; null while the rate is unknown. */
  etaMs(): number | null {
    const rate = this.stepsPerSecond();
    if (rate === null || rate <= 0 || this.totalSteps === null) return null;
    return (Math.max(0, this.totalSteps - this.step) / rate) * 1000;
  }

  /** The training loss, then every validation metric: `train/loss=0.1234 val/loss=0.2`. */
  metricsText(): string {
    const keys = [...this.latest.keys()]
      .filter((key) => key === TRAIN_LOSS || key.startsWith("val/"))
      .sort((a, b) => (a === TRAIN_LOSS ? -1 : b === TRAIN_LOSS ? 1 : a.localeCompare(b)));
    return keys.map((key) => `${key}=${formatMetric(this.latest.get(key)!.value)}`).join(" ");
  }

  /** The frame for the progress display. */
  frame(): ProgressFrame {
    const rate = this.stepsPerSecond();
    const eta = this.etaMs();
    const speed = this.connectionNote ?? (rate === null ? "- steps/s" : `${rate.toFixed(1)} steps/s`);
    const etaText = eta === null ? "-" : formatDuration(eta);
    const metrics = this.metricsText();
    const total = this.totalSteps;
    const steps = total === null ? String(this.step) : `${this.step}/${total}`;
    const percent = total ? ` (${Math.floor((100 * Math.min(this.step, total)) / total)}%)` : "";
    const line =
      `${this.status} step ${steps}${percent} | ${speed} | ETA ${etaText}` + (metrics ? ` | ${metrics}` : "");
    return {
      // An unknown total draws an empty bar (emptyOnZero) beside the step count.
      value: total === null ? 0 : Math.min(this.step, total),
      total: total ?? 0,
      payload: { status: this.status, steps, speed, etaText, metrics },
      line,
    };
  }
}

/**
 * The bar's format for {@link RunProgress.frame}'s payload (cli-progress tokens). Its own `{eta}` is not used: ours
 * is measured from the points' wall times, which a reconnect does not disturb.
 */
export const RUN_BAR_FORMAT = "{status} {bar} {steps} | {speed} | ETA {etaText} | {metrics}";
