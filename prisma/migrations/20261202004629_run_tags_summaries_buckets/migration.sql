-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "notes" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "tags" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateTable
CREATE TABLE "MetricSummary" (
    "runId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "last" DOUBLE PRECISION NOT NULL,
    "min" DOUBLE PRECISION,
    "max" DOUBLE PRECISION,
    "lastStep" INTEGER NOT NULL,
    "count" INTEGER NOT NULL,
    "lastWallTime" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MetricSummary_pkey" PRIMARY KEY ("runId","key")
);

-- CreateTable
CREATE TABLE "MetricBucket" (
    "runId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "width" INTEGER NOT NULL,
    "bucket" INTEGER NOT NULL,
    "last" DOUBLE PRECISION NOT NULL,
    "min" DOUBLE PRECISION,
    "max" DOUBLE PRECISION,
    "lastStep" INTEGER NOT NULL,
    "count" INTEGER NOT NULL,
    "lastWallTime" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MetricBucket_pkey" PRIMARY KEY ("runId","key","width","bucket")
);

-- CreateIndex
CREATE INDEX "MetricSummary_key_last_idx" ON "MetricSummary"("key", "last");

-- CreateIndex
CREATE INDEX "Run_tags_idx" ON "Run" USING GIN ("tags");

-- AddForeignKey
ALTER TABLE "MetricSummary" ADD CONSTRAINT "MetricSummary_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MetricBucket" ADD CONSTRAINT "MetricBucket_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Backfill: summaries and downsampling tiers of the points stored before this migration (the metric writer
-- maintains both from now on, in the statement that inserts the points).
INSERT INTO "MetricSummary" ("runId", "key", "last", "min", "max", "lastStep", "count", "lastWallTime")
SELECT "runId", "key",
       (array_agg("value" ORDER BY "step" DESC))[1],
       min("value") FILTER (WHERE "value" <> 'NaN'::float8),
       max("value") FILTER (WHERE "value" <> 'NaN'::float8),
       max("step"), count(*)::int,
       (array_agg("wallTime" ORDER BY "step" DESC))[1]
FROM "MetricPoint"
GROUP BY "runId", "key";

INSERT INTO "MetricBucket" ("runId", "key", "width", "bucket", "last", "min", "max", "lastStep", "count", "lastWallTime")
SELECT "runId", "key", w, "step" / w,
       (array_agg("value" ORDER BY "step" DESC))[1],
       min("value") FILTER (WHERE "value" <> 'NaN'::float8),
       max("value") FILTER (WHERE "value" <> 'NaN'::float8),
       max("step"), count(*)::int,
       (array_agg("wallTime" ORDER BY "step" DESC))[1]
FROM "MetricPoint" CROSS JOIN unnest(ARRAY[16, 64, 256, 1024, 4096, 16384, 65536]) AS w
GROUP BY "runId", "key", w, "step" / w;
