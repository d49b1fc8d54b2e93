import { z } from "zod";
import type { MetricPoint } from "./metric-point";
import { MetricKey } from "./metric-point";

/** Per run and metric key: what the runs table shows, sorts and filters on. */
export const MetricSummary = z.object({
  key: MetricKey,
  /** The value at `step`, the largest step recorded. */
  last: z.number(),
  /** Smallest and largest value (NaN excluded; null while every value was NaN). */
  min: z.number().nullable(),
  max: z.number().nullable(),
  step: z.number().int(),
  count: z.number().int(),
  /** Milliseconds since the epoch of the point at `step`. */
  wallTime: z.number(),
});
export type MetricSummary = z.infer<typeof MetricSummary>;

/** One bucket of a downsampled series: steps [bucket*width, (bucket+1)*width) of one key. */
export const SeriesBucket = z.object({
  bucket: z.number().int(),
  /** The largest step in the bucket, where `last` was recorded: the bucket's x. */
  step: z.number().int(),
  last: z.number(),
  min: z.number().nullable(),
  max: z.number().nullable(),
  count: z.number().int(),
  /** Wall time (ms) of the point at `step`. */
  wallTime: z.number(),
});
export type SeriesBucket = z.infer<typeof SeriesBucket>;

/** A run's series cut into aligned power-of-two buckets (see `bucketWidth`). */
export const DownsampledSeries = z.object({
  width: z.number().int().min(1),
  from: z.number().int(),
  to: z.number().int(),
  series: z.array(z.object({ key: MetricKey, buckets: z.array(SeriesBucket) })),
});
export type DownsampledSeries = z.infer<typeof DownsampledSeries>;

/** Buckets a series request may ask for: the dashboard asks for 1000, the largest charts 4000. */
export const MAX_SERIES_BUCKETS = 10_000;

/**
 * The bucket width for steps `from`..`to` cut into at most `buckets` buckets: the smallest power of two that
 * leaves that many or fewer aligned buckets. Powers of two (aligned to multiples of the width) are what make
 * live merging exact: doubling the width merges neighbouring buckets pairwise, and the result equals what the
 * server computes for the longer series.
 */
export function bucketWidth(from: number, to: number, buckets: number): number {
  const target = Math.max(1, Math.floor(buckets));
  let width = 1;
  while (Math.floor(Math.max(to, from) / width) - Math.floor(from / width) + 1 > target && width < 2 ** 30) width *= 2;
  return width;
}

function minOf(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}

function maxOf(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}

/**
 * A summary with a later window of the same key folded in (the runs table's live rows): last and step from
 * whichever is later, min and max combined, counts added.
 */
export function foldSummary(into: MetricSummary | undefined, window: MetricSummary): MetricSummary {
  if (!into) return window;
  const later = window.step > into.step ? window : into;
  return {
    key: into.key,
    last: later.last,
    step: later.step,
    wallTime: later.wallTime,
    min: minOf(into.min, window.min),
    max: maxOf(into.max, window.max),
    count: into.count + window.count,
  };
}

/** Two buckets of the same key folded into one (the later `step` wins `last`). */
export function mergeBuckets(into: SeriesBucket, other: SeriesBucket, bucket: number): SeriesBucket {
  const later = other.step > into.step ? other : into;
  return {
    bucket,
    step: later.step,
    last: later.last,
    wallTime: later.wallTime,
    min: minOf(into.min, other.min),
    max: maxOf(into.max, other.max),
    count: into.count + other.count,
  };
}

/** Live steps remembered per key for de-duplication; past this, only steps beyond the last one are taken. */
const SEEN_STEPS_LIMIT = 100_000;

/**
 * A live, client-side copy of one run's downsampled series: the server's snapshot, then every streamed point
 * folded into the same aligned buckets. When the series outgrows `maxBuckets`, the width doubles and
 * neighbouring buckets merge pairwise, which is exactly the server's bucketing of the longer series.
 * De-duplication: the snapshot holds every persisted step up to its last one per key (the writer persists in
 * order), so those are skipped; a later step is taken once (a resumed attempt re-publishes steps it retrains,
 * and the stream's catch-up re-sends points that may already have arrived live, out of order).
 */
export class LiveSeries {
  width: number;
  private readonly maxBuckets: number;
  private readonly byKey = new Map<string, SeriesBucket[]>();
  private readonly snapshotLast = new Map<string, number>();
  private readonly seen = new Map<string, Set<number>>();
  private seenCount = 0;
  /** Bumped on every change, so React can tell a new state from an old one cheaply. */
  version = 0;

  constructor(snapshot: DownsampledSeries, maxBuckets: number) {
    this.width = snapshot.width;
    this.maxBuckets = maxBuckets;
    for (const s of snapshot.series) {
      this.byKey.set(s.key, s.buckets.slice());
      this.snapshotLast.set(s.key, s.buckets.length ? s.buckets[s.buckets.length - 1]!.step : -1);
    }
  }

  keys(): string[] {
    return [...this.byKey.keys()].sort();
  }

  buckets(key: string): readonly SeriesBucket[] {
    return this.byKey.get(key) ?? [];
  }

  /** The largest step known for a key (-1 when none). */
  lastStep(key: string): number {
    const list = this.byKey.get(key);
    return list && list.length > 0 ? list[list.length - 1]!.step : -1;
  }

  /** Whether a point is new to this copy, remembering it if so. */
  private isNew(p: MetricPoint): boolean {
    if (p.step <= (this.snapshotLast.get(p.key) ?? -1)) return false;
    if (this.seenCount >= SEEN_STEPS_LIMIT) {
      // Long after the snapshot nothing arrives out of order any more: new means beyond the last step.
      if (p.step <= this.lastStep(p.key)) return false;
      return true;
    }
    let steps = this.seen.get(p.key);
    if (!steps) {
      steps = new Set();
      this.seen.set(p.key, steps);
    }
    if (steps.has(p.step)) return false;
    steps.add(p.step);
    this.seenCount += 1;
    if (this.seenCount >= SEEN_STEPS_LIMIT) this.seen.clear();
    return true;
  }

  /** Folds points in; returns whether anything changed. */
  add(points: readonly MetricPoint[]): boolean {
    let changed = false;
    for (const p of points) {
      if (!this.isNew(p)) continue;
      let list = this.byKey.get(p.key);
      if (!list) {
        list = [];
        this.byKey.set(p.key, list);
      }
      const finite = Number.isNaN(p.value) ? null : p.value;
      const point: SeriesBucket = {
        bucket: Math.floor(p.step / this.width),
        step: p.step,
        last: p.value,
        min: finite,
        max: finite,
        count: 1,
        wallTime: p.wallTime,
      };
      const tail = list[list.length - 1];
      if (!tail || tail.bucket < point.bucket) list.push(point);
      else if (tail.bucket === point.bucket) list[list.length - 1] = mergeBuckets(tail, point, point.bucket);
      else {
        // Out of order (a catch-up): into its bucket, found by binary search.
        let lo = 0;
        let hi = list.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (list[mid]!.bucket < point.bucket) lo = mid + 1;
          else hi = mid;
        }
        if (list[lo]?.bucket === point.bucket) list[lo] = mergeBuckets(list[lo]!, point, point.bucket);
        else list.splice(lo, 0, point);
      }
      changed = true;
    }
    if (changed) {
      while (this.spanInBuckets() > this.maxBuckets && this.width < 2 ** 30) this.coarsen();
      this.version += 1;
    }
    return changed;
  }

  /** Buckets the whole x-range spans at the current width (what `bucketWidth` bounds on the server). */
  private spanInBuckets(): number {
    let lo = Infinity;
    let hi = -Infinity;
    for (const list of this.byKey.values()) {
      if (list.length === 0) continue;
      lo = Math.min(lo, list[0]!.bucket);
      hi = Math.max(hi, list[list.length - 1]!.bucket);
    }
    // The server's range starts at step 0 unless zoomed; so does a live view.
    return hi === -Infinity ? 0 : hi - Math.min(lo, 0) + 1;
  }

  /** Doubles the width: buckets 2k and 2k+1 become bucket k. */
  private coarsen(): void {
    this.width *= 2;
    for (const [key, list] of this.byKey) {
      const merged: SeriesBucket[] = [];
      for (const b of list) {
        const bucket = Math.floor(b.bucket / 2);
        const tail = merged[merged.length - 1];
        if (tail && tail.bucket === bucket) merged[merged.length - 1] = mergeBuckets(tail, b, bucket);
        else merged.push({ ...b, bucket });
      }
      this.byKey.set(key, merged);
    }
  }
}
