import { z } from "zod";
import { MetricKey } from "./metric-point";
import { LaunchRunRequest, TrainingSettings } from "./run-config";
import { DisplayText, Slug } from "./validation";

/** One value a sweep can give a field: what a JSON form can carry. */
export const SweepValue = z.union([z.string(), z.number(), z.boolean()]);
export type SweepValue = z.infer<typeof SweepValue>;

/** One trial's values, by field path ("training.learningRate" → 0.003). */
export type TrialParameters = Record<string, SweepValue>;

/** The most values a grid may hold: ten times the trial cap, past which a grid is a random search spelled badly. */
export const SWEEP_GRID_MAX_POINTS = 10_000;

/** The most fields one sweep varies: past 20 axes, no one reads the dashboard's parallel-coordinates plot. */
export const SWEEP_MAX_PARAMETERS = 20;

/**
 * How many evenly spaced values (log-spaced for log-uniform) grid search takes from a continuous range, both endpoints
 * included. Random search ignores it.
 */
const GridPointCount = z
  .number()
  .int()
  .min(2, "must be at least 2: a grid over a range includes both endpoints")
  .max(SWEEP_GRID_MAX_POINTS, `must be at most ${SWEEP_GRID_MAX_POINTS}, the grid cap`);

/** A list of values to try, in the order grid search visits them (1 to 100, all different). */
export const ChoiceParameter = z
  .strictObject({
    kind: z.literal("choice"),
    /** 100 values is already more than a grid over several fields can visit under the 10,000-point cap. */
    values: z.array(SweepValue).min(1, "must list at least one value").max(100, "must list at most 100 values"),
  })
  .superRefine((param, ctx) => {
    param.values.forEach((value, i) => {
      if (param.values.indexOf(value) < i) {
        ctx.addIssue({ code: "custom", path: ["values", i], message: `${JSON.stringify(value)} is listed twice` });
      }
    });
  });
export type ChoiceParameter = z.infer<typeof ChoiceParameter>;

/** Integers from `min` to `max` (inclusive when reached) by `step` (default 1). */
export const IntParameter = z
  .strictObject({
    kind: z.literal("int"),
    min: z.number().int(),
    max: z.number().int(),
    step: z.number().int().min(1).default(1),
  })
  .refine((param) => param.min <= param.max, { path: ["max"], message: "must be at least min" });
export type IntParameter = z.infer<typeof IntParameter>;

/** Real numbers drawn evenly between `min` and `max` (`min` < `max`). */
export const UniformParameter = z
  .strictObject({ kind: z.literal("uniform"), min: z.number(), max: z.number(), gridPoints: GridPointCount.optional() })
  .refine((param) => param.min < param.max, { path: ["max"], message: "must be greater than min" });
export type UniformParameter = z.infer<typeof UniformParameter>;

/** Positive reals whose logarithm is drawn evenly (learning rates, weight decay): 0 < `min` < `max`. */
export const LogUniformParameter = z
  .strictObject({
    kind: z.literal("log-uniform"),
    min: z.number(),
    max: z.number(),
    gridPoints: GridPointCount.optional(),
  })
  .superRefine((param, ctx) => {
    if (param.min <= 0) ctx.addIssue({ code: "custom", path: ["min"], message: "must be positive for a log scale" });
    if (param.min >= param.max) ctx.addIssue({ code: "custom", path: ["max"], message: "must be greater than min" });
  });
export type LogUniformParameter = z.infer<typeof LogUniformParameter>;

/** How a sweep varies one field. */
export const SweepParameter = z.discriminatedUnion("kind", [
  ChoiceParameter,
  IntParameter,
  UniformParameter,
  LogUniformParameter,
]);
export type SweepParameter = z.infer<typeof SweepParameter>;
export type SweepParameterInput = z.input<typeof SweepParameter>;

/** What kind of value a training setting holds, which decides the parameter kinds it accepts. */
export type SweepFieldKind = "number" | "int" | "enum" | "boolean";

/**
 * Every training setting a sweep may vary, with its kind, for the sweep form. `steps` is listed but refused while a
 * scheduler (ASHA, Hyperband) sets each trial's steps. Checked against TrainingSettings at compile time, so a new
 * setting must be classified here.
 */
export const SWEEPABLE_TRAINING_FIELDS = {
  steps: "int",
  batchSize: "int",
  optimizer: "enum",
  learningRate: "number",
  clipNorm: "number",
  evalEvery: "int",
  checkpointEvery: "int",
  checkpointEveryMinutes: "number",
  maxRestarts: "int",
  trainMetricsEvery: "int",
  validateWholeSplit: "boolean",
  gradientFlow: "boolean",
  logPredictions: "boolean",
} as const satisfies Record<keyof TrainingSettings, SweepFieldKind>;

/** The forms a key of `parameters` may take, for messages and the sweep form's help text. */
export const SWEEP_FIELD_FORMS = [
  "model",
  "dataset",
  "seed",
  "training.<setting>",
  "modelHyperparameters.<name>",
  "datasetParams.<name>",
] as const;

/** A catalog hyperparameter's name; the web app checks it against the model's or dataset's schema. */
const HYPERPARAMETER_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/** Where a field path points in a launch request. */
export type SweepField =
  | { area: "run"; key: "model" | "dataset" | "seed" }
  | { area: "training"; key: keyof TrainingSettings }
  | { area: "modelHyperparameters" | "datasetParams"; key: string };

/** The launch-request field a sweep field path names, or null when it names none (see SWEEP_FIELD_FORMS). */
export function parseSweepField(path: string): SweepField | null {
  if (path === "model" || path === "dataset" || path === "seed") return { area: "run", key: path };
  const dot = path.indexOf(".");
  if (dot < 0) return null;
  const area = path.slice(0, dot);
  const key = path.slice(dot + 1);
  if (area === "training") {
    return Object.hasOwn(SWEEPABLE_TRAINING_FIELDS, key) ? { area, key: key as keyof TrainingSettings } : null;
  }
  if ((area === "modelHyperparameters" || area === "datasetParams") && HYPERPARAMETER_NAME.test(key)) {
    return { area, key };
  }
  return null;
}

/** The top rung's steps cap, like TrainingSettings.steps: a longer trial should be split into resumable stages. */
const MAX_STEPS = 1_000_000;

/** The rung ladder shared by ASHA and Hyperband: rungs at minSteps·eta^k below maxSteps, and maxSteps. */
const rungLadder = {
  /** Reduction factor (default 3, Li et al.'s choice): the top 1/eta of a rung go on; past 10 too few are ranked. */
  eta: z.number().int().min(2).max(10).default(3),
  /** Steps of the first rung, where every trial is first judged. */
  minSteps: z.number().int().min(1).max(MAX_STEPS),
  /** Steps of the last rung: the most any trial trains, and the sweep's final budget per trial. */
  maxSteps: z.number().int().min(2).max(MAX_STEPS),
};
/** A ladder's refinement: the last rung lies above the first. */
function maxAboveMin(ladder: { minSteps: number; maxSteps: number }, ctx: z.RefinementCtx): void {
  if (ladder.maxSteps <= ladder.minSteps) {
    ctx.addIssue({ code: "custom", path: ["maxSteps"], message: "must be greater than minSteps" });
  }
}

/**
 * Early stopping. "none": every trial trains `base.training.steps` (or its own `training.steps` parameter).
 * "asha": asynchronous successive halving (Li et al. 2020) over one rung ladder. "hyperband": ASHA over several
 * brackets that start at successively later rungs. Under a scheduler `base.training.steps` is ignored: each trial
 * trains to its rung's steps, and `maxSteps` is the final budget.
 */
export const SweepScheduler = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("none") }),
  z.strictObject({ kind: z.literal("asha"), ...rungLadder }).superRefine(maxAboveMin),
  z.strictObject({ kind: z.literal("hyperband"), ...rungLadder }).superRefine(maxAboveMin),
]);
export type SweepScheduler = z.infer<typeof SweepScheduler>;

/** The metric trials are ranked by: a key the runs log (such as "val/loss"), its last value at each rung. */
export const SweepMetric = z.strictObject({ name: MetricKey, goal: z.enum(["minimize", "maximize"]) });
export type SweepMetric = z.infer<typeof SweepMetric>;

/** How much a sweep may launch. */
export const SweepLimits = z.strictObject({
  /** Each trial is a run row and a queue job: 1000 keeps one sweep from flooding the runs table and the queue. */
  maxTrials: z.number().int().min(1).max(1000),
  /** Trials queued or running at once (default 4, leaving workers for other runs); 64 is past any team's GPU count. */
  maxConcurrent: z.number().int().min(1).max(64).default(4),
  /** Optimiser steps over all trials (none when absent); 1e9 is 1000 trials of the 1e6-step cap, the most possible. */
  stepBudget: z.number().int().min(1).max(1_000_000_000).optional(),
});
export type SweepLimits = z.infer<typeof SweepLimits>;

/** The launch request every trial starts from; the sweep's own name, team and project stand for those. */
export const SweepBase = LaunchRunRequest.omit({ name: true, team: true, project: true, parentRunId: true });
export type SweepBase = z.infer<typeof SweepBase>;

/** The sweep's lifecycle: PAUSED launches nothing new; CANCELLED and COMPLETED are final. */
export const SweepStatus = z.enum(["RUNNING", "PAUSED", "CANCELLED", "COMPLETED"]);
export type SweepStatus = z.infer<typeof SweepStatus>;

/** A field's schema in the base request, which every value a sweep gives it must pass. */
function fieldSchema(field: SweepField): z.ZodType | null {
  if (field.area === "run") return SweepBase.shape[field.key];
  if (field.area === "training") return TrainingSettings.shape[field.key];
  return null;
}

/** Parameter kinds each kind of field accepts, and how a message describes them. */
const ACCEPTED_KINDS: Record<SweepFieldKind | "name", { kinds: SweepParameter["kind"][]; text: string }> = {
  number: { kinds: ["choice", "int", "uniform", "log-uniform"], text: "a choice, an int, a uniform or a log-uniform" },
  int: { kinds: ["choice", "int"], text: "a choice or an int range" },
  enum: { kinds: ["choice"], text: "a choice" },
  boolean: { kinds: ["choice"], text: "a choice" },
  name: { kinds: ["choice"], text: "a choice of catalog names" },
};

/** The kind of value a field holds, or null when the catalog decides (model and dataset hyperparameters). */
function fieldKind(field: SweepField): SweepFieldKind | "name" | null {
  if (field.area === "training") return SWEEPABLE_TRAINING_FIELDS[field.key];
  if (field.area === "run") return field.key === "seed" ? "int" : "name";
  return null;
}

/** How many values grid search takes from one parameter (Infinity for a continuous range without gridPoints). */
export function gridAxisSize(param: SweepParameter): number {
  switch (param.kind) {
    case "choice":
      return param.values.length;
    case "int":
      return param.max < param.min ? 0 : Math.floor((param.max - param.min) / param.step) + 1;
    default:
      return param.gridPoints ?? Infinity;
  }
}

/** The first message of a failed parse, for an issue that names the field itself. */
function firstMessage(result: { error?: { issues: { message: string }[] } }): string {
  return result.error?.issues[0]?.message ?? "invalid";
}

/**
 * A hyperparameter sweep: trials are launch requests built from `base` with the `parameters` applied, chosen by
 * grid or random search and stopped early by the `scheduler`.
 *
 * Under a scheduler `base.training.steps` is ignored: trials train to their rungs' steps, the last being
 * `scheduler.maxSteps`. Trial i's parameters are a pure function of (`seed`, i), so a controller can regenerate
 * any trial after a crash.
 */
export const SweepDefinition = z
  .strictObject({
    /** Shown in the sweeps list; 120 characters, like a run's name. */
    name: DisplayText(120).optional(),
    /** Slug of the team to launch in; may be left out by someone who belongs to one team only. */
    team: Slug.optional(),
    /** Slug of the project its trials are filed in (default "default"). */
    project: Slug.default("default"),
    base: SweepBase,
    /** "grid": every combination in a fixed order (maxTrials caps it); "random": independent samples. */
    method: z.enum(["grid", "random"]),
    /** Field path (see SWEEP_FIELD_FORMS) → how it varies; 1 to 20 fields. */
    parameters: z.record(z.string(), SweepParameter),
    scheduler: SweepScheduler.default({ kind: "none" }),
    metric: SweepMetric,
    limits: SweepLimits,
    /** Seeds the sampler (default 0; the range of a run's seed); trials keep `base.seed` unless "seed" is swept. */
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(0),
    /** Queue priority of the sweep's trials, higher first (default 0); the range of a run's priority. */
    priority: z.number().int().min(-100).max(100).default(0),
  })
  .superRefine((sweep, ctx) => {
    const fields = Object.keys(sweep.parameters);
    if (fields.length < 1 || fields.length > SWEEP_MAX_PARAMETERS) {
      ctx.addIssue({
        code: "custom",
        path: ["parameters"],
        message: `must vary 1 to ${SWEEP_MAX_PARAMETERS} fields, not ${fields.length}`,
      });
    }
    const scheduled = sweep.scheduler.kind !== "none";
    let gridSize = 1;
    for (const path of fields) {
      const param = sweep.parameters[path];
      if (param === undefined) continue;
      const at = ["parameters", path];
      const field = parseSweepField(path);
      if (field === null) {
        ctx.addIssue({
          code: "custom",
          path: at,
          message: `unknown field "${path}": a sweep can vary ${SWEEP_FIELD_FORMS.map((f) => `"${f}"`).join(", ")}`,
        });
        continue;
      }
      if (scheduled && path === "training.steps") {
        ctx.addIssue({
          code: "custom",
          path: at,
          message:
            `"training.steps" cannot be swept under the ${sweep.scheduler.kind} scheduler, ` +
            "which sets each trial's steps (up to scheduler.maxSteps)",
        });
      }
      const kind = fieldKind(field);
      if (kind !== null && !ACCEPTED_KINDS[kind].kinds.includes(param.kind)) {
        ctx.addIssue({
          code: "custom",
          path: at,
          message: `"${path}" takes ${ACCEPTED_KINDS[kind].text}, not kind "${param.kind}"`,
        });
      }
      const schema = fieldSchema(field);
      if (schema !== null) {
        const checks: [PropertyKey[], unknown][] =
          param.kind === "choice"
            ? param.values.map((value, i) => [["values", i], value])
            : [
                [["min"], param.min],
                [["max"], param.max],
              ];
        for (const [where, value] of checks) {
          const result = schema.safeParse(value);
          if (!result.success) {
            ctx.addIssue({
              code: "custom",
              path: [...at, ...where],
              message: `"${path}" cannot be ${JSON.stringify(value)}: ${firstMessage(result)}`,
            });
          }
        }
      }
      if (sweep.method === "grid" && (param.kind === "uniform" || param.kind === "log-uniform")) {
        if (param.gridPoints === undefined) {
          ctx.addIssue({
            code: "custom",
            path: [...at, "gridPoints"],
            message: `"${path}" is a continuous range: grid search needs gridPoints, how many values to take from it`,
          });
        }
      }
      gridSize *= gridAxisSize(param);
    }
    if (sweep.method === "grid" && Number.isFinite(gridSize) && gridSize > SWEEP_GRID_MAX_POINTS) {
      ctx.addIssue({
        code: "custom",
        path: ["parameters"],
        message:
          `the grid has ${gridSize} points, more than ${SWEEP_GRID_MAX_POINTS}: ` +
          "take fewer values or use random search",
      });
    }
  });
export type SweepDefinition = z.infer<typeof SweepDefinition>;
export type SweepDefinitionInput = z.input<typeof SweepDefinition>;
