import {
  parseSweepField,
  SWEEP_GRID_MAX_POINTS,
  SWEEPABLE_TRAINING_FIELDS,
  SweepDefinition,
  SweepParameter,
  SweepScheduler,
  SweepStatus,
  type SweepDefinitionInput,
} from "./sweep";
import { TrainingSettings } from "./run-config";

/** A valid random sweep over the learning rate; each test changes one thing. */
function sweep(overrides: Partial<SweepDefinitionInput> = {}): SweepDefinitionInput {
  return {
    base: { model: "lstm", dataset: "adding" },
    method: "random",
    parameters: { "training.learningRate": { kind: "log-uniform", min: 1e-4, max: 1e-1 } },
    metric: { name: "val/loss", goal: "minimize" },
    limits: { maxTrials: 20 },
    ...overrides,
  };
}

/** The issues of a definition that must not parse, as (dotted path, message). */
function issuesOf(input: unknown): { path: string; message: string }[] {
  const result = SweepDefinition.safeParse(input);
  if (result.success) throw new Error("parsed");
  return result.error.issues.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message }));
}

describe("SweepDefinition", () => {
  it("parses a minimal definition with every default applied", () => {
    const parsed = SweepDefinition.parse(sweep());
    expect(parsed.project).toBe("default");
    expect(parsed.scheduler).toEqual({ kind: "none" });
    expect(parsed.limits).toEqual({ maxTrials: 20, maxConcurrent: 4 });
    expect(parsed.seed).toBe(0);
    expect(parsed.priority).toBe(0);
    expect(parsed.base.training.steps).toBe(500);
    expect(parsed.base.seed).toBe(42);
  });

  it("parses every parameter kind and field form, and a scheduler with its default eta", () => {
    const parsed = SweepDefinition.parse(
      sweep({
        method: "grid",
        parameters: {
          model: { kind: "choice", values: ["lstm", "gru"] },
          seed: { kind: "int", min: 1, max: 3 },
          "training.optimizer": { kind: "choice", values: ["adam", "sgd"] },
          "training.batchSize": { kind: "int", min: 16, max: 64, step: 16 },
          "training.clipNorm": { kind: "uniform", min: 0, max: 5, gridPoints: 3 },
          "training.learningRate": { kind: "log-uniform", min: 1e-4, max: 1e-2, gridPoints: 3 },
          "training.gradientFlow": { kind: "choice", values: [true, false] },
          "modelHyperparameters.units": { kind: "choice", values: [32, 64] },
          "datasetParams.length": { kind: "int", min: 10, max: 50, step: 20 },
        },
        scheduler: { kind: "asha", minSteps: 10, maxSteps: 100 },
      }),
    );
    expect(parsed.scheduler).toEqual({ kind: "asha", eta: 3, minSteps: 10, maxSteps: 100 });
    expect(parsed.parameters.seed).toEqual({ kind: "int", min: 1, max: 3, step: 1 });
  });

  it("names an unknown field at its own path and lists the allowed forms", () => {
    for (const field of ["lr", "training.nope", "training.constructor", "modelHyperparameters.1x", "queue"]) {
      const issues = issuesOf(sweep({ parameters: { [field]: { kind: "choice", values: [1] } } }));
      expect(issues).toEqual([
        {
          path: `parameters.${field}`,
          message: expect.stringContaining(`unknown field "${field}"`) as string,
        },
      ]);
      expect(issues[0]?.message).toContain('"training.<setting>"');
      expect(issues[0]?.message).toContain('"modelHyperparameters.<name>"');
    }
  });

  it("refuses a numeric training field given strings, naming the field and the value", () => {
    const issues = issuesOf(
      sweep({ parameters: { "training.learningRate": { kind: "choice", values: [0.01, "big"] } } }),
    );
    expect(issues).toEqual([
      {
        path: "parameters.training.learningRate.values.1",
        message: expect.stringMatching(/^"training\.learningRate" cannot be "big": /) as string,
      },
    ]);
  });

  it("refuses parameter kinds a field cannot hold", () => {
    expect(issuesOf(sweep({ parameters: { "training.batchSize": { kind: "uniform", min: 8, max: 64 } } }))).toEqual([
      {
        path: "parameters.training.batchSize",
        message: '"training.batchSize" takes a choice or an int range, not kind "uniform"',
      },
    ]);
    expect(issuesOf(sweep({ parameters: { "training.optimizer": { kind: "int", min: 0, max: 2 } } }))[0]).toEqual({
      path: "parameters.training.optimizer",
      message: '"training.optimizer" takes a choice, not kind "int"',
    });
    expect(issuesOf(sweep({ parameters: { model: { kind: "int", min: 0, max: 2 } } }))[0]?.path).toBe(
      "parameters.model",
    );
  });

  it("checks every value against the field's own schema", () => {
    expect(
      issuesOf(sweep({ parameters: { "training.optimizer": { kind: "choice", values: ["adam", "lion"] } } })),
    ).toEqual([
      {
        path: "parameters.training.optimizer.values.1",
        message: expect.stringContaining('"training.optimizer" cannot be "lion"') as string,
      },
    ]);
    expect(
      issuesOf(sweep({ parameters: { "training.batchSize": { kind: "int", min: 0, max: 2048 } } })).map((i) => i.path),
    ).toEqual(["parameters.training.batchSize.min", "parameters.training.batchSize.max"]);
    expect(issuesOf(sweep({ parameters: { model: { kind: "choice", values: ["LSTM!"] } } }))[0]?.path).toBe(
      "parameters.model.values.0",
    );
  });

  it("refuses ranges whose min is not below max, and a log scale that reaches zero", () => {
    expect(issuesOf(sweep({ parameters: { "datasetParams.length": { kind: "int", min: 5, max: 4 } } }))).toEqual([
      { path: "parameters.datasetParams.length.max", message: "must be at least min" },
    ]);
    expect(issuesOf(sweep({ parameters: { "training.clipNorm": { kind: "uniform", min: 2, max: 2 } } }))).toEqual([
      { path: "parameters.training.clipNorm.max", message: "must be greater than min" },
    ]);
    const logIssues = issuesOf(
      sweep({ parameters: { "modelHyperparameters.dropout": { kind: "log-uniform", min: 0, max: 0.5 } } }),
    );
    expect(logIssues).toEqual([
      { path: "parameters.modelHyperparameters.dropout.min", message: "must be positive for a log scale" },
    ]);
  });

  it("refuses a choice with a repeated value or no value", () => {
    expect(
      issuesOf(sweep({ parameters: { "modelHyperparameters.units": { kind: "choice", values: [8, 16, 8] } } })),
    ).toEqual([{ path: "parameters.modelHyperparameters.units.values.2", message: "8 is listed twice" }]);
    expect(
      issuesOf(sweep({ parameters: { "modelHyperparameters.units": { kind: "choice", values: [] } } }))[0]?.path,
    ).toBe("parameters.modelHyperparameters.units.values");
  });

  it("requires gridPoints for a continuous range under grid search, but not under random search", () => {
    const parameters = { "training.learningRate": { kind: "log-uniform", min: 1e-4, max: 1e-1 } } as const;
    expect(issuesOf(sweep({ method: "grid", parameters }))).toEqual([
      {
        path: "parameters.training.learningRate.gridPoints",
        message: expect.stringContaining("grid search needs gridPoints") as string,
      },
    ]);
    expect(SweepDefinition.safeParse(sweep({ method: "random", parameters })).success).toBe(true);
  });

  it("refuses a grid larger than the cap, and accepts one exactly at it", () => {
    const axis = (n: number) => ({ kind: "int", min: 1, max: n }) as const;
    const atCap = { "datasetParams.a": axis(100), "datasetParams.b": axis(SWEEP_GRID_MAX_POINTS / 100) };
    expect(SweepDefinition.safeParse(sweep({ method: "grid", parameters: atCap })).success).toBe(true);
    const over = { ...atCap, "datasetParams.c": { kind: "uniform", min: 0, max: 1, gridPoints: 2 } } as const;
    expect(issuesOf(sweep({ method: "grid", parameters: over }))).toEqual([
      { path: "parameters", message: expect.stringContaining("the grid has 20000 points, more than 10000") as string },
    ]);
    expect(SweepDefinition.safeParse(sweep({ method: "random", parameters: over })).success).toBe(true);
  });

  it("refuses training.steps as a parameter while a scheduler sets the steps", () => {
    const parameters = { "training.steps": { kind: "choice" as const, values: [100, 200] } };
    expect(SweepDefinition.safeParse(sweep({ parameters })).success).toBe(true);
    for (const kind of ["asha", "hyperband"] as const) {
      expect(issuesOf(sweep({ parameters, scheduler: { kind, minSteps: 10, maxSteps: 90 } }))).toEqual([
        {
          path: "parameters.training.steps",
          message: expect.stringContaining(`cannot be swept under the ${kind} scheduler`) as string,
        },
      ]);
    }
  });

  it("refuses no parameters and more than 20", () => {
    expect(issuesOf(sweep({ parameters: {} }))).toEqual([
      { path: "parameters", message: "must vary 1 to 20 fields, not 0" },
    ]);
    const many = Object.fromEntries(
      Array.from({ length: 21 }, (_, i) => [`datasetParams.p${i}`, { kind: "choice" as const, values: [i] }]),
    );
    expect(issuesOf(sweep({ parameters: many }))[0]?.path).toBe("parameters");
  });

  it("refuses base fields that belong to the sweep, and unknown top-level keys", () => {
    const input = { ...sweep(), base: { model: "lstm", dataset: "adding", project: "p" }, extra: 1 };
    const paths = issuesOf(input).map((issue) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(["base", ""]));
  });

  it("bounds the limits", () => {
    expect(issuesOf(sweep({ limits: { maxTrials: 0 } }))[0]?.path).toBe("limits.maxTrials");
    expect(issuesOf(sweep({ limits: { maxTrials: 5, maxConcurrent: 65 } }))[0]?.path).toBe("limits.maxConcurrent");
    expect(issuesOf(sweep({ limits: { maxTrials: 5, stepBudget: 0 } }))[0]?.path).toBe("limits.stepBudget");
  });
});

describe("SweepScheduler", () => {
  it("refuses a ladder whose max is not above its min, and eta outside 2..10", () => {
    const bad = SweepScheduler.safeParse({ kind: "hyperband", minSteps: 100, maxSteps: 100 });
    expect(bad.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["maxSteps", "must be greater than minSteps"],
    ]);
    expect(SweepScheduler.safeParse({ kind: "asha", eta: 1, minSteps: 1, maxSteps: 9 }).error?.issues[0]?.path).toEqual(
      ["eta"],
    );
    expect(SweepScheduler.safeParse({ kind: "asha", minSteps: 1, maxSteps: 2_000_000 }).success).toBe(false);
  });
});

describe("SweepParameter", () => {
  it("defaults an int range's step to 1 and refuses a step below 1", () => {
    expect(SweepParameter.parse({ kind: "int", min: 0, max: 3 })).toEqual({ kind: "int", min: 0, max: 3, step: 1 });
    expect(SweepParameter.safeParse({ kind: "int", min: 0, max: 3, step: 0 }).success).toBe(false);
    expect(SweepParameter.safeParse({ kind: "int", min: 0.5, max: 3 }).success).toBe(false);
  });
});

describe("sweep fields", () => {
  it("classify every training setting", () => {
    expect(Object.keys(SWEEPABLE_TRAINING_FIELDS).sort()).toEqual(Object.keys(TrainingSettings.shape).sort());
  });

  it("parse field paths to where they point", () => {
    expect(parseSweepField("seed")).toEqual({ area: "run", key: "seed" });
    expect(parseSweepField("training.clipNorm")).toEqual({ area: "training", key: "clipNorm" });
    expect(parseSweepField("datasetParams.length")).toEqual({ area: "datasetParams", key: "length" });
    expect(parseSweepField("modelHyperparameters.a.b")).toBeNull();
    expect(parseSweepField("training.toString")).toBeNull();
    expect(parseSweepField("")).toBeNull();
  });

  it("list the sweep statuses", () => {
    expect(SweepStatus.options).toEqual(["RUNNING", "PAUSED", "CANCELLED", "COMPLETED"]);
  });
});
