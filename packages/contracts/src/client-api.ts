import { z } from "zod";
import { MetricPoint } from "./metric-point";
import { MAX_RUN_TAGS, RunSummary, RunTag } from "./run";
import { RunEnvironment } from "./run-environment";
import { DisplayText, Slug } from "./validation";

/**
 * The versioned client API (`/api/v1/...`) that the SDK and the CLI speak: its request and response bodies. The
 * OpenAPI document at /api/v1/openapi.json is generated from these schemas, and the SDK's types are these types.
 */

/** Points per batch: a batch is one INSERT, and 1000 keeps it under a few milliseconds (MLflow's limit too). */
export const MAX_POINTS_PER_BATCH = 1000;

/**
 * An external run that has sent nothing (points or heartbeat) for this long is shown "crashed": four missed
 * heartbeats of {@link EXTERNAL_HEARTBEAT_INTERVAL_MS}, so one slow request or a GC pause never marks a live run.
 */
export const EXTERNAL_HEARTBEAT_TIMEOUT_MS = 60_000;
/** How often the SDK tells the server that the script is alive (a sent batch counts as one too). */
export const EXTERNAL_HEARTBEAT_INTERVAL_MS = 15_000;

/** A JSON value (what an external run's config may hold): no functions, no undefined, finite numbers. */
const JsonValue: z.ZodType<unknown> = z.lazy(() =>
  z.union([
    z.string().max(10_000),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(JsonValue).max(10_000),
    z.record(z.string().max(200), JsonValue),
  ]),
);

/** POST /api/v1/external-runs: a run trained outside seqlab's workers, tracked through the SDK. */
export const CreateExternalRunRequest = z.strictObject({
  /** The team's slug; may be left out by a caller in exactly one team (or with a key scoped to one). */
  team: Slug.optional(),
  project: Slug,
  /** Shown in the dashboard; default "<model> <date>" is chosen by the server. */
  name: DisplayText(120).optional(),
  /** Hyperparameters, any JSON object: the runs table filters and sorts on them as `config.<path>`. */
  config: z.record(z.string().max(200), JsonValue).default({}),
  tags: z.array(RunTag).max(MAX_RUN_TAGS).default([]),
  notes: z.string().max(20_000).default(""),
  /** What to show in the model and dataset columns (free text; "external" and "-" when left out). */
  model: DisplayText(64).optional(),
  dataset: DisplayText(64).optional(),
  /** The steps the script means to train, when it knows: the run page shows progress against it. */
  totalSteps: z.number().int().min(1).max(1_000_000_000).optional(),
  environment: RunEnvironment.optional(),
});
export type CreateExternalRunRequest = z.input<typeof CreateExternalRunRequest>;

export const CreateExternalRunResponse = z.object({
  run: RunSummary,
  /** The run's page in the dashboard. */
  url: z.string(),
});
export type CreateExternalRunResponse = z.infer<typeof CreateExternalRunResponse>;

/**
 * POST /api/v1/runs/:id/points. `batchId` is chosen by the client when it cuts the batch and kept across retries;
 * a point is stored once per (run, key, step), so a batch sent twice (a retry after a lost answer, a spool synced
 * after a crash) stores nothing the second time.
 */
export const PointBatchRequest = z.strictObject({
  batchId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, "is 8-64 letters, digits, _ or -"),
  points: z.array(MetricPoint).min(1).max(MAX_POINTS_PER_BATCH),
});
export type PointBatchRequest = z.infer<typeof PointBatchRequest>;

export const PointBatchResponse = z.object({
  batchId: z.string(),
  /** Points in the batch. */
  received: z.number().int(),
  /** Points newly stored; `received - inserted` were already there (a retried batch). */
  inserted: z.number().int(),
});
export type PointBatchResponse = z.infer<typeof PointBatchResponse>;

/** POST /api/v1/runs/:id/heartbeat: the script is alive (a crashed-looking run becomes running again). */
export const HeartbeatResponse = z.object({ status: z.string() });

/** POST /api/v1/runs/:id/finish: how the script ended. */
export const FinishExternalRunRequest = z.strictObject({
  outcome: z.enum(["succeeded", "failed", "cancelled"]).default("succeeded"),
  /** Why it failed (the exception's message), shown on the run page. */
  error: z.string().max(2000).optional(),
});
export type FinishExternalRunRequest = z.input<typeof FinishExternalRunRequest>;

/** POST /api/v1/runs/:id/artifacts?kind=&name=&step= with the bytes as the body (application/octet-stream). */
export const ArtifactUploadQuery = z.object({
  kind: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, "is 1-32 lower-case letters, digits or -, starting with a letter"),
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, "is 1-128 letters, digits, _ . or -"),
  step: z.coerce.number().int().min(0).optional(),
});
export type ArtifactUploadQuery = z.infer<typeof ArtifactUploadQuery>;

/** Largest artifact one upload takes: the web app streams it into the artifact store, and the SDK from disk. */
export const MAX_ARTIFACT_UPLOAD_BYTES = 5 * 1024 * 1024 * 1024;

export const ArtifactUploadResponse = z.object({
  artifact: z.object({
    id: z.string(),
    kind: z.string(),
    name: z.string(),
    size: z.number().int(),
    sha256: z.string(),
  }),
});
export type ArtifactUploadResponse = z.infer<typeof ArtifactUploadResponse>;
