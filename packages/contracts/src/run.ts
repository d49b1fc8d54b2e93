import { z } from "zod";
import { ResolvedRunConfig } from "./run-config";
import { ExternalRunInfo } from "./run-environment";

/** CRASHED: an external run whose script stopped sending (points or heartbeats) without finishing. */
/** PAUSED: a sweep trial stopped at a rung with its checkpoint, until the sweep promotes it (or ends). */
export const RunStatus = z.enum([
  "QUEUED",
  "RUNNING",
  "PAUSED",
  "SUCCEEDED",
  "FAILED",
  "CANCELLED",
  "DIVERGED",
  "CRASHED",
]);
export type RunStatus = z.infer<typeof RunStatus>;

/**
 * Statuses after which a run is done training. (A CRASHED external run is RUNNING again if its script turns out to
 * be alive after all and sends something.)
 */
export const TERMINAL_RUN_STATUSES: readonly RunStatus[] = ["SUCCEEDED", "FAILED", "CANCELLED", "DIVERGED", "CRASHED"];

/** A row of the runs list. */
export const RunSummary = z.object({
  id: z.string(),
  name: z.string(),
  project: z.string(),
  /** Slug of the team the project belongs to. */
  team: z.string(),
  /** Who launched it; null for runs from before accounts existed. */
  createdBy: z.object({ id: z.string(), name: z.string() }).nullable(),
  status: RunStatus,
  modelName: z.string(),
  datasetName: z.string(),
  lastStep: z.number().int().nullable(),
  finalLoss: z.number().nullable(),
  attempt: z.number().int(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  tags: z.array(z.string()),
  /** Trained by the user's own script through the SDK (no queue, no cancel), not by a seqlab worker. */
  external: z.boolean(),
});
export type RunSummary = z.infer<typeof RunSummary>;

/** A run's label: 1-40 letters, digits, spaces and _ . : / - (not starting with a space). */
export const RunTag = z
  .string()
  .trim()
  .regex(/^[\p{L}\p{N}_.:/-][\p{L}\p{N} _.:/-]{0,39}$/u, "a tag is 1-40 letters, digits, spaces and _ . : / -");
/** At most this many tags per run. */
export const MAX_RUN_TAGS = 32;

/** A row of the runs table: the summary plus the value of each column asked for, keyed by its field text. */
export const RunRow = RunSummary.extend({ values: z.record(z.string(), z.unknown()) });
export type RunRow = z.infer<typeof RunRow>;

export const ArtifactSummary = z.object({
  id: z.string(),
  kind: z.string(),
  name: z.string(),
  size: z.number().int(),
  sha256: z.string(),
  step: z.number().int().nullable(),
  createdAt: z.string(),
});
export type ArtifactSummary = z.infer<typeof ArtifactSummary>;

export const RunEventDto = z.object({
  id: z.string(),
  level: z.string(),
  message: z.string(),
  attempt: z.number().int(),
  createdAt: z.string(),
});
export type RunEventDto = z.infer<typeof RunEventDto>;

/** One attempt at training a run: the first start, then each restart after a crash or hand-over. */
export const RunAttempt = z.object({
  attempt: z.number().int(),
  worker: z.string().nullable(),
  backend: z.string().nullable(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  /** "succeeded", "failed", "crashed", "handed back", ...; null while it runs. */
  outcome: z.string().nullable(),
  /** Step it reached when it ended. */
  step: z.number().int().nullable(),
});
export type RunAttempt = z.infer<typeof RunAttempt>;

/** Everything the run page shows. */
export const RunDetail = RunSummary.extend({
  notes: z.string(),
  /** The catalog config a worker trains from; null for an external run (its own config is in `external`). */
  config: ResolvedRunConfig.nullable(),
  /** What an external run's script told the server; null for runs trained by seqlab's workers. */
  externalInfo: ExternalRunInfo.nullable(),
  /** The sweep this run is a trial of: its number there and the rung it trains to or stopped at. */
  sweep: z.object({ id: z.string(), trialNumber: z.number().int(), rung: z.number().int() }).nullable(),
  seed: z.number().int(),
  priority: z.number().int(),
  queueName: z.string(),
  maxAttempts: z.number().int(),
  errorReason: z.string().nullable(),
  backend: z.string().nullable(),
  device: z.string().nullable(),
  /** The run this one was cloned from, when it was (null once that run is deleted). */
  parent: z.object({ id: z.string(), name: z.string() }).nullable(),
  artifacts: z.array(ArtifactSummary),
  events: z.array(RunEventDto),
  attempts: z.array(RunAttempt),
  /** 1-based place in its queue while QUEUED (1 = next), null otherwise. */
  queuePosition: z.number().int().nullable(),
  /** While QUEUED: why it may wait indefinitely (no live worker serves its queue), else null. */
  queueWarning: z.string().nullable(),
});
export type RunDetail = z.infer<typeof RunDetail>;
