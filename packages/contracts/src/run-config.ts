import { z } from "zod";
import { DisplayText, EntityId, Slug } from "./validation";

/** Identifiers of catalog entries: lower-case words joined by dashes, as the catalogs name them. */
const CatalogName = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be a catalog name such as "lstm" or "adding"');

/** Training-loop settings shared by every model; the model's and dataset's own knobs live beside them. */
export const TrainingSettings = z.strictObject({
  /** Optimiser steps to run. Capped at 1e6: a run longer than that should be split into resumable stages. */
  steps: z.number().int().min(1).max(1_000_000).default(500).describe("Optimiser steps to run"),
  /** Samples per step. 1024 is far past what fits a sequence batch of the catalog's tasks on one GPU. */
  batchSize: z.number().int().min(1).max(1024).default(32).describe("Samples per step"),
  optimizer: z.enum(["adam", "sgd", "rmsprop"]).default("adam").describe("Optimiser"),
  learningRate: z.number().positive().max(10).default(0.001).describe("Learning rate"),
  /** Global-norm gradient clipping; 0 disables it. */
  clipNorm: z.number().min(0).max(1000).default(1).describe("Global-norm gradient clipping (0 = off)"),
  /** Evaluate on a validation batch every N steps. */
  evalEvery: z.number().int().min(1).max(100_000).default(25).describe("Validation batch every N steps"),
  /** Save a checkpoint every N steps (and always at the end). */
  checkpointEvery: z
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .default(250)
    .describe("Checkpoint every N steps (and at the end)"),
  /** Also checkpoint when this many minutes passed since the last one, so a slow run never loses more than that. */
  checkpointEveryMinutes: z
    .number()
    .min(0.05)
    .max(24 * 60)
    .default(10)
    .describe("Checkpoint at least every M minutes"),
  /** Restarts after a crash before the run is failed (Determined's max_restarts; 3 like its default of 5, but cheaper runs). */
  maxRestarts: z.number().int().min(0).max(100).default(3).describe("Restarts after a crash before the run fails"),
  /** Compute training accuracy and the task metric every N steps (each costs one forward pass). */
  trainMetricsEvery: z
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(1)
    .describe("Training accuracy/metric every N steps (one forward pass each)"),
  /** Validate on the whole validation split at each evaluation instead of one batch (slower, exact). */
  validateWholeSplit: z.boolean().default(false).describe("Validate on the whole validation split"),
  /**
   * At each evaluation, log the gradient norm of the loss with respect to each time step's input (recurrent models):
   * the lecture's vanishing gradient, drawn as a heatmap. One extra backward pass a batch.
   */
  gradientFlow: z.boolean().default(true).describe("Log gradient flow over time steps at each evaluation"),
  /** At each evaluation, log the model's predictions on 16 fixed validation samples (the run page's Predictions). */
  logPredictions: z.boolean().default(true).describe("Log sample predictions at each evaluation"),
});
export type TrainingSettings = z.infer<typeof TrainingSettings>;

/** What a user submits to launch a run. Model and dataset hyperparameters are checked against their catalog schemas. */
export const LaunchRunRequest = z.strictObject({
  name: DisplayText(120).optional().describe("Generated from the model, task and time when left empty"),
  /** Slug of the team to launch in; may be left out by someone who belongs to one team only. */
  team: Slug.optional(),
  /** Slug of the project (it must exist in the team); the team's "default" project when absent. */
  project: Slug.default("default"),
  model: CatalogName,
  modelHyperparameters: z.record(z.string(), z.unknown()).default({}),
  dataset: CatalogName,
  datasetParams: z.record(z.string(), z.unknown()).default({}),
  training: TrainingSettings.default(TrainingSettings.parse({})),
  /** Seeds data generation and weight initialisation. */
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(42)
    .describe("Seeds data generation and weight initialisation"),
  /** The run this one clones (the Clone button sends it): the new run links back to it. Must be readable. */
  parentRunId: EntityId.optional(),
  /** Higher runs first (BullMQ priority is inverted internally). */
  priority: z.number().int().min(-100).max(100).default(0).describe("Higher runs first"),
  /** The queue (hardware class) whose workers may train it, e.g. "default" or "a100". */
  queue: Slug.default("default").describe('The hardware class whose workers train it, e.g. "default" or "a100"'),
});
export type LaunchRunRequest = z.infer<typeof LaunchRunRequest>;
export type LaunchRunInput = z.input<typeof LaunchRunRequest>;

/** The fully resolved config stored with a run: every default applied, so a clone reproduces it exactly. */
export const ResolvedRunConfig = z.object({
  model: CatalogName,
  modelHyperparameters: z.record(z.string(), z.unknown()),
  dataset: CatalogName,
  datasetParams: z.record(z.string(), z.unknown()),
  training: TrainingSettings,
  seed: z.number().int().min(0),
});
export type ResolvedRunConfig = z.infer<typeof ResolvedRunConfig>;
