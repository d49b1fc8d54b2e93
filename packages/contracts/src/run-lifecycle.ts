import { z } from "zod";

/** How an attempt ended. "lost": its worker died (or was cut off) and another attempt took the run over. */
export const AttemptOutcome = z.enum([
  "succeeded",
  "failed",
  "diverged",
  "cancelled",
  "crashed",
  "handed back",
  "superseded",
  "lost",
]);
export type AttemptOutcome = z.infer<typeof AttemptOutcome>;

/** Data of the run event written when an attempt starts. */
export const AttemptStartEvent = z.object({
  kind: z.literal("attempt-start"),
  worker: z.string(),
  backend: z.string(),
  device: z.string(),
});
export type AttemptStartEvent = z.infer<typeof AttemptStartEvent>;

/** Data of the run event written when an attempt ends; `step` is the last step whose metrics were persisted. */
export const AttemptEndEvent = z.object({
  kind: z.literal("attempt-end"),
  outcome: AttemptOutcome,
  step: z.number().int().min(0).nullable(),
});
export type AttemptEndEvent = z.infer<typeof AttemptEndEvent>;

/** Data of the run event written when resuming skipped a checkpoint: which one, and why. */
export const CheckpointSkippedEvent = z.object({
  kind: z.literal("checkpoint-skipped"),
  artifactId: z.string(),
  name: z.string(),
  step: z.number().int().nullable(),
  reason: z.string(),
});
export type CheckpointSkippedEvent = z.infer<typeof CheckpointSkippedEvent>;

/** Structured data a run event may carry; events without data are plain log lines. */
export const RunEventData = z.discriminatedUnion("kind", [AttemptStartEvent, AttemptEndEvent, CheckpointSkippedEvent]);
export type RunEventData = z.infer<typeof RunEventData>;
