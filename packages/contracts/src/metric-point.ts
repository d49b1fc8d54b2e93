import { z } from "zod";

/**
 * The training loss's key. Every metric a run logs is named `<split>/<metric>`: `train/loss`, `val/loss`,
 * `test/cer`, `train/accuracy`, and `system/...` for the worker's resource samples.
 */
export const TRAIN_LOSS_KEY = "train/loss";

/** Metric keys: "train/loss", "train/accuracy", "val/mse", "system/cpu" ... */
export const MetricKey = z
  .string()
  .regex(/^[A-Za-z0-9_.\/-]{1,64}$/, "must be 1-64 characters of letters, digits, _ . / -");

/** One value of one metric at one step. A run has at most one point per (key, step). */
export const MetricPoint = z.object({
  key: MetricKey,
  step: z.number().int().min(0),
  value: z.number(),
  /** Milliseconds since the epoch when the worker recorded it. */
  wallTime: z.number(),
});
export type MetricPoint = z.infer<typeof MetricPoint>;
