import { z } from "zod";
import { MetricPoint } from "./metric-point";
import { RunStatus } from "./run";
import { DownsampledSeries, MetricSummary } from "./series";

/** What live viewers receive over Server-Sent Events (and what the worker publishes on Redis). */
export const RunStreamEvent = z.discriminatedUnion("type", [
  z.object({ type: z.literal("metrics"), runId: z.string(), points: z.array(MetricPoint) }),
  /** The stored series, downsampled (the snapshot a viewer starts from; live "metrics" fold into it). */
  z.object({ type: z.literal("series"), runId: z.string(), series: DownsampledSeries }),
  /**
   * On the runs channel, at most twice a second per run while it trains: each key's summary over the points
   * recorded since the previous progress event (fold it into the row's summary with `foldSummary`).
   */
  z.object({
    type: z.literal("progress"),
    runId: z.string(),
    step: z.number().int(),
    summaries: z.array(MetricSummary),
  }),
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
