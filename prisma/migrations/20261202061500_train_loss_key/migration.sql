-- The training loss is logged as "train/loss" (one <split>/<metric> scheme with val/loss and test/...): the points,
-- summaries and downsampling tiers of runs from before keep their history under the new name.
UPDATE "MetricPoint" SET "key" = 'train/loss' WHERE "key" = 'loss';
UPDATE "MetricSummary" SET "key" = 'train/loss' WHERE "key" = 'loss';
UPDATE "MetricBucket" SET "key" = 'train/loss' WHERE "key" = 'loss';
