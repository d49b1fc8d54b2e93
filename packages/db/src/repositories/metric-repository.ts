import type { DownsampledSeries, MetricPoint, MetricSummary, SeriesBucket } from "@seqlab/contracts";
import { bucketWidth } from "@seqlab/contracts";
import type { Db } from "./types";

/**
 * Widths of the stored downsampling tiers, in steps: powers of 4 from 16. A query at any power-of-two width of 16 or
 * more reads at most 2 rows per bucket it returns, or 4 at widths 16 apart from a tier (about 4000 rows per series
 * for the default 1000 buckets), whatever the series' length. The tiers above 16 add under 1/48 of the points in
 * rows, so the write cost is that of the first tier (1/16).
 */
const TIER_WIDTHS = [16, 64, 256, 1024, 4096, 16384, 65536] as const;

interface BucketRow {
  runId: string;
  key: string;
  bucket: number;
  last: number;
  min: number | null;
  max: number | null;
  lastStep: number;
  count: number;
  wallTime: Date;
}

/** Metric points: written in batches, idempotently (the primary key is run, key and step). */
export class MetricRepository {
  constructor(private readonly db: Db) {}

  /**
   * Inserts points and, in the same statement, folds the rows it actually inserted into the run's summaries
   * (last, min, max, last step, count per key) and downsampling tiers. A point whose (run, key, step) exists is
   * skipped by the INSERT, so it never reaches the summaries either: redelivery neither duplicates nor double-counts.
   * One statement whatever the batch size: four arrays unnested server-side, several times faster than `createMany`.
   * Rows are upserted in key order, so two writers of one run (a stale attempt and its successor) lock the same
   * summary and bucket rows in the same order and cannot deadlock.
   */
  async insertPoints(runId: string, points: readonly MetricPoint[]): Promise<number> {
    return (await this.insertFenced(runId, null, points)).inserted;
  }

  /**
   * {@link insertPoints} for a worker's attempt: the points are written only while `attempt` is still the run's
   * current attempt, checked in the same statement under a share lock on the run's row, so a new attempt cannot
   * start between the check and the insert. A stale attempt (its host was cut off and the run resumed elsewhere)
   * gets `fenced: true` and writes nothing, even points for steps its successor has not reached yet.
   */
  async insertAttemptPoints(
    runId: string,
    attempt: number,
    points: readonly MetricPoint[],
  ): Promise<{ inserted: number; fenced: boolean }> {
    return this.insertFenced(runId, attempt, points);
  }

  private async insertFenced(
    runId: string,
    attempt: number | null,
    points: readonly MetricPoint[],
  ): Promise<{ inserted: number; fenced: boolean }> {
    if (points.length === 0 && attempt === null) return { inserted: 0, fenced: false };
    const keys = points.map((p) => p.key);
    const steps = points.map((p) => p.step);
    const values = points.map((p) => p.value);
    const wallTimes = points.map((p) => new Date(p.wallTime).toISOString());
    // With no attempt to check, the fence is one constant row and the insert goes ahead.
    const rows = await this.db.$queryRaw<{ inserted: number; fenced: boolean }[]>`
      WITH fence AS (
        SELECT 1 FROM "Run" WHERE ${attempt}::int IS NOT NULL AND id = ${runId} AND attempt = ${attempt}::int FOR SHARE
      ),
      owner AS (
        SELECT 1 AS ok WHERE ${attempt}::int IS NULL OR EXISTS (SELECT 1 FROM fence)
      ),
      inserted AS (
        INSERT INTO "MetricPoint" ("runId", "key", "step", "value", "wallTime")
        SELECT ${runId}, t.key, t.step, t.value, t.wall_time
        FROM unnest(${keys}::text[], ${steps}::int[], ${values}::float8[], ${wallTimes}::timestamp[])
             AS t(key, step, value, wall_time)
        WHERE EXISTS (SELECT 1 FROM owner)
        ON CONFLICT DO NOTHING
        RETURNING "key", "step", "value", "wallTime"
      ),
      summaries AS (
        INSERT INTO "MetricSummary" AS s ("runId", "key", "last", "min", "max", "lastStep", "count", "lastWallTime")
        SELECT ${runId}, "key", (array_agg("value" ORDER BY "step" DESC))[1],
               min("value") FILTER (WHERE "value" <> 'NaN'::float8), max("value") FILTER (WHERE "value" <> 'NaN'::float8),
               max("step"), count(*)::int, (array_agg("wallTime" ORDER BY "step" DESC))[1]
        FROM inserted GROUP BY "key" ORDER BY "key"
        ON CONFLICT ("runId", "key") DO UPDATE SET
          "last" = CASE WHEN excluded."lastStep" > s."lastStep" THEN excluded."last" ELSE s."last" END,
          "lastWallTime" = CASE WHEN excluded."lastStep" > s."lastStep" THEN excluded."lastWallTime" ELSE s."lastWallTime" END,
          "lastStep" = GREATEST(s."lastStep", excluded."lastStep"),
          "min" = LEAST(s."min", excluded."min"),
          "max" = GREATEST(s."max", excluded."max"),
          "count" = s."count" + excluded."count"
        RETURNING 1
      ),
      buckets AS (
        INSERT INTO "MetricBucket" AS b ("runId", "key", "width", "bucket", "last", "min", "max", "lastStep", "count", "lastWallTime")
        SELECT ${runId}, "key", w, "step" / w, (array_agg("value" ORDER BY "step" DESC))[1],
               min("value") FILTER (WHERE "value" <> 'NaN'::float8), max("value") FILTER (WHERE "value" <> 'NaN'::float8),
               max("step"), count(*)::int, (array_agg("wallTime" ORDER BY "step" DESC))[1]
        FROM inserted CROSS JOIN unnest(${[...TIER_WIDTHS]}::int[]) AS w
        GROUP BY "key", w, "step" / w ORDER BY "key", w, "step" / w
        ON CONFLICT ("runId", "key", "width", "bucket") DO UPDATE SET
          "last" = CASE WHEN excluded."lastStep" > b."lastStep" THEN excluded."last" ELSE b."last" END,
          "lastWallTime" = CASE WHEN excluded."lastStep" > b."lastStep" THEN excluded."lastWallTime" ELSE b."lastWallTime" END,
          "lastStep" = GREATEST(b."lastStep", excluded."lastStep"),
          "min" = LEAST(b."min", excluded."min"),
          "max" = GREATEST(b."max", excluded."max"),
          "count" = b."count" + excluded."count"
        RETURNING 1
      )
      SELECT (SELECT count(*) FROM inserted)::int AS inserted, NOT EXISTS (SELECT 1 FROM owner) AS fenced`;
    return { inserted: rows[0]?.inserted ?? 0, fenced: rows[0]?.fenced ?? false };
  }

  /** Summary metrics of some runs (every key, or only `keys`), for the runs table and compare. */
  async summariesOf(runIds: readonly string[], keys?: readonly string[]): Promise<Map<string, MetricSummary[]>> {
    const out = new Map<string, MetricSummary[]>();
    if (runIds.length === 0) return out;
    const rows = await this.db.metricSummary.findMany({
      where: { runId: { in: [...runIds] }, ...(keys ? { key: { in: [...keys] } } : {}) },
      orderBy: [{ runId: "asc" }, { key: "asc" }],
    });
    for (const row of rows) {
      const summary: MetricSummary = {
        key: row.key,
        last: row.last,
        min: row.min,
        max: row.max,
        step: row.lastStep,
        count: row.count,
        wallTime: row.lastWallTime.getTime(),
      };
      const list = out.get(row.runId);
      if (list) list.push(summary);
      else out.set(row.runId, [summary]);
    }
    return out;
  }

  /** Metric keys with summaries in runs of these teams (the column picker's choices), most used first. */
  async summaryKeys(teamIds: readonly string[], projectSlug?: string): Promise<string[]> {
    if (teamIds.length === 0) return [];
    const rows = await this.db.$queryRaw<{ key: string }[]>`
      SELECT s."key" FROM "MetricSummary" s
      JOIN "Run" r ON r.id = s."runId" JOIN "Project" p ON p.id = r."projectId"
      WHERE p."teamId" = ANY(${[...teamIds]}::text[]) AND (${projectSlug ?? null}::text IS NULL OR p.slug = ${projectSlug ?? null})
      GROUP BY s."key" ORDER BY count(*) DESC, s."key" LIMIT 500`;
    return rows.map((r) => r.key);
  }

  /**
   * A run's series, downsampled: the x-range (steps `from`..`to`, default the whole series) is cut into buckets
   * of `width` steps, the smallest power of two that leaves at most `buckets` of them, aligned to multiples of
   * the width (bucket k covers steps [k*width, (k+1)*width)). Each bucket keeps its min, max and last value, so
   * spikes survive. Aligned power-of-two buckets are what lets a live client fold new points into the same
   * buckets the server would compute (and halve its resolution by merging neighbours), so running and finished
   * runs are bucketed identically. Answered from the widest stored tier that divides the width (or from the
   * points when the width is under the narrowest tier), never by loading the series into Node.
   */
  async series(
    runId: string,
    options: { keys?: readonly string[]; buckets?: number; from?: number; to?: number } = {},
  ): Promise<DownsampledSeries> {
    return (await this.seriesOfRuns([runId], options)).get(runId)!;
  }

  /**
   * Several runs' series in one query (compare), all at one width: the one their longest series needs, so every
   * run's buckets share boundaries and overlay step for step.
   */
  async seriesOfRuns(
    runIds: readonly string[],
    options: { keys?: readonly string[]; buckets?: number; from?: number; to?: number } = {},
  ): Promise<Map<string, DownsampledSeries>> {
    const ids = [...new Set(runIds)];
    const target = options.buckets ?? 1000;
    const summaries = await this.db.metricSummary.findMany({
      where: { runId: { in: ids }, ...(options.keys ? { key: { in: [...options.keys] } } : {}) },
      select: { runId: true, key: true, lastStep: true },
      orderBy: [{ runId: "asc" }, { key: "asc" }],
    });
    const from = Math.max(0, options.from ?? 0);
    const maxStep = summaries.reduce((m, s) => Math.max(m, s.lastStep), 0);
    const to = Math.min(options.to ?? maxStep, maxStep);
    const width = bucketWidth(from, to, target);
    const out = new Map<string, DownsampledSeries>(ids.map((id) => [id, { width, from, to, series: [] }]));
    const keys = [...new Set(summaries.map((s) => s.key))];
    if (keys.length === 0 || to < from) return out;
    const tier = [...TIER_WIDTHS].reverse().find((t) => t <= width && width % t === 0);
    const lo = Math.floor(from / width);
    const hi = Math.floor(to / width);
    const rows = tier
      ? await this.db.$queryRaw<BucketRow[]>`
          SELECT "runId", "key", "bucket" / ${width / tier}::int AS bucket,
                 (array_agg("last" ORDER BY "lastStep" DESC))[1] AS last, min("min") AS min, max("max") AS max,
                 max("lastStep") AS "lastStep", sum("count")::int AS count,
                 (array_agg("lastWallTime" ORDER BY "lastStep" DESC))[1] AS "wallTime"
          FROM "MetricBucket"
          WHERE "runId" = ANY(${ids}::text[]) AND "key" = ANY(${keys}::text[]) AND "width" = ${tier}::int
            AND "bucket" BETWEEN ${(lo * width) / tier}::int AND ${((hi + 1) * width) / tier - 1}::int
          GROUP BY "runId", "key", 3 ORDER BY "runId", "key", 3`
      : await this.db.$queryRaw<BucketRow[]>`
          SELECT "runId", "key", "step" / ${width}::int AS bucket,
                 (array_agg("value" ORDER BY "step" DESC))[1] AS last,
                 min("value") FILTER (WHERE "value" <> 'NaN'::float8) AS min,
                 max("value") FILTER (WHERE "value" <> 'NaN'::float8) AS max,
                 max("step") AS "lastStep", count(*)::int AS count,
                 (array_agg("wallTime" ORDER BY "step" DESC))[1] AS "wallTime"
          FROM "MetricPoint"
          WHERE "runId" = ANY(${ids}::text[]) AND "key" = ANY(${keys}::text[])
            AND "step" BETWEEN ${lo * width}::int AND ${(hi + 1) * width - 1}::int
          GROUP BY "runId", "key", 3 ORDER BY "runId", "key", 3`;
    let current: { runId: string; key: string; buckets: SeriesBucket[] } | null = null;
    for (const row of rows) {
      if (!current || current.runId !== row.runId || current.key !== row.key) {
        current = { runId: row.runId, key: row.key, buckets: [] };
        out.get(row.runId)!.series.push({ key: row.key, buckets: current.buckets });
      }
      current.buckets.push({
        bucket: row.bucket,
        step: row.lastStep,
        last: row.last,
        min: row.min,
        max: row.max,
        count: row.count,
        wallTime: row.wallTime.getTime(),
      });
    }
    return out;
  }

  /**
   * Raw points of one run in (key, step) order, one page at a time from after `cursor` (export streams through
   * this without holding a whole series).
   */
  async pagePoints(
    runId: string,
    options: { keys?: readonly string[]; after?: { key: string; step: number }; limit: number },
  ): Promise<MetricPoint[]> {
    const after = options.after;
    const rows = await this.db.metricPoint.findMany({
      where: {
        runId,
        ...(options.keys ? { key: { in: [...options.keys] } } : {}),
        ...(after ? { OR: [{ key: { gt: after.key } }, { key: after.key, step: { gt: after.step } }] } : {}),
      },
      orderBy: [{ key: "asc" }, { step: "asc" }],
      take: options.limit,
      select: { key: true, step: true, value: true, wallTime: true },
    });
    return rows.map((r) => ({ key: r.key, step: r.step, value: r.value, wallTime: r.wallTime.getTime() }));
  }

  /**
   * Points of a run in (key, step) order, at most `limit` (default 100 000): those recorded after `recordedAfter`
   * (the live stream's catch-up), or of some keys (tests). Series and exports go through `series` and `pagePoints`.
   */
  async listPoints(
    runId: string,
    options: { keys?: readonly string[]; recordedAfter?: Date; limit?: number } = {},
  ): Promise<MetricPoint[]> {
    const rows = await this.db.metricPoint.findMany({
      where: {
        runId,
        key: options.keys ? { in: [...options.keys] } : undefined,
        wallTime: options.recordedAfter ? { gt: options.recordedAfter } : undefined,
      },
      orderBy: [{ key: "asc" }, { step: "asc" }],
      take: options.limit ?? 100_000,
      select: { key: true, step: true, value: true, wallTime: true },
    });
    return rows.map((r) => ({ key: r.key, step: r.step, value: r.value, wallTime: r.wallTime.getTime() }));
  }

  /** Number of points stored for a run and key (tests and resume checks). */
  async countPoints(runId: string, key?: string): Promise<number> {
    return this.db.metricPoint.count({ where: { runId, key } });
  }
}
