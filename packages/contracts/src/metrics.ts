import { z } from "zod";
import { RunStatus } from "./run";

/** Metric keys: "loss", "train/accuracy", "val/mse", "system/cpu" ... */
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

/** What live viewers receive over Server-Sent Events (and what the worker publishes on Redis). */
export const RunStreamEvent = z.discriminatedUnion("type", [
  z.object({ type: z.literal("metrics"), runId: z.string(), points: z.array(MetricPoint) }),
  z.object({
    type: z.literal("status"),
    runId: z.string(),
    status: RunStatus,
    errorReason: z.string().nullable().optional(),
    attempt: z.number().int().optional(),
    backend: z.string().nullable().optional(),
  }),
  z.object({ type: z.literal("log"), runId: z.string(), level: z.string(), message: z.string(), at: z.number() }),
]);
export type RunStreamEvent = z.infer<typeof RunStreamEvent>;

/** Redis pub/sub channel carrying one run's stream events. */
export function runChannel(runId: string): string {
  return `seqlab:run:${runId}`;
}

/** Redis pub/sub channel announcing run status changes of every run (runs list). */
export const RUNS_CHANNEL = "seqlab:runs";
