import { z } from "zod";
import { MetricPoint, RUN_MEDIA_KINDS, jobCatalog } from "@seqlab/contracts";

/** A file in the attempt's spool directory: checkpoints travel as files, never through the worker's memory. */
const SpoolFile = z.string().min(1).max(4096);

/**
 * A stored checkpoint offered to resume from: which artifact it is, and the spool file the worker streamed it into
 * from the artifact store (its sha256 already checked on the way).
 */
export const ResumeCandidate = z.object({
  artifactId: z.string(),
  name: z.string(),
  step: z.number().int().nullable(),
  file: SpoolFile,
});
export type ResumeCandidate = z.infer<typeof ResumeCandidate>;

/**
 * Messages between a worker (parent) and its training process (child) over Node's IPC channel. Checkpoints pass
 * as files in the attempt's spool directory, which the worker streams to and from the artifact store: a checkpoint
 * of a large model (1 GB and more with its optimiser state) is never held whole by the worker. Both sides parse
 * what they receive: a process boundary is a boundary like any other.
 */
export const ParentMessage = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("start"),
    runId: z.string(),
    attempt: z.number().int().min(1),
    config: jobCatalog["run.train"].payload.shape.config,
    /** The newest good checkpoint to resume from; absent for a fresh start. */
    checkpoint: ResumeCandidate.optional(),
    /** Test-only fault injection (see env SEQLAB_TEST_FAULT). */
    fault: z.string().optional(),
    /** Where the training process writes its checkpoints for the worker to upload (one directory per attempt). */
    spoolDir: SpoolFile,
  }),
  /** The answer to "checkpoint-rejected": the next older candidate, or none (train from step 0). */
  z.object({ type: z.literal("next-checkpoint"), checkpoint: ResumeCandidate.optional() }),
  /** Stop at the next step boundary: "cancel" ends the run, "handover" checkpoints first so another worker resumes. */
  z.object({ type: z.literal("stop"), reason: z.enum(["cancel", "handover", "superseded"]) }),
]);
export type ParentMessage = z.infer<typeof ParentMessage>;

export const ChildMessage = z.discriminatedUnion("type", [
  z.object({ type: z.literal("ready"), backend: z.string(), reason: z.string(), device: z.string() }),
  z.object({ type: z.literal("log"), level: z.enum(["info", "warn", "error"]), message: z.string() }),
  /** The offered checkpoint cannot be decoded or does not fit the model; the worker answers with "next-checkpoint". */
  z.object({ type: z.literal("checkpoint-rejected"), artifactId: z.string(), reason: z.string() }),
  /** Points of one step; `loss` is the step's training loss (null for points logged after training, the test split's). */
  z.object({
    type: z.literal("metrics"),
    points: z.array(MetricPoint),
    step: z.number().int(),
    loss: z.number().nullable(),
  }),
  z.object({
    type: z.literal("checkpoint"),
    step: z.number().int(),
    /** The checkpoint, written whole to the spool directory; the worker uploads it, then deletes it. */
    file: SpoolFile,
    stepMs: z.number(),
    saveMs: z.number(),
  }),
  /**
   * A small JSON artifact logged by the run: its test-set result ("evaluation"), or media of one evaluation
   * ("gradient-flow", "predictions"). Saved after the points up to its step, like a checkpoint.
   */
  z.object({
    type: z.literal("artifact"),
    kind: z.enum(Object.values(RUN_MEDIA_KINDS)),
    name: z.string().regex(/^[a-z0-9-]{1,40}$/),
    step: z.number().int().min(0),
    json: z.string().max(4 * 1024 * 1024),
  }),
  z.object({
    type: z.literal("done"),
    outcome: z.enum(["succeeded", "failed", "diverged", "cancelled", "handover", "superseded"]),
    step: z.number().int(),
    loss: z.number().nullable(),
    error: z.string().optional(),
    /** A config error (bad hyperparameter, model that does not fit): retrying cannot help. */
    configError: z.boolean().optional(),
  }),
]);
export type ChildMessage = z.infer<typeof ChildMessage>;
