import {
  SweepDefinition,
  type SweepDefinitionInput,
  type SweepParameterInput,
  SweepParameter,
} from "@seqlab/contracts";
import {
  axisValues,
  gridPoint,
  gridPoints,
  gridSize,
  randomTrialParameters,
  trialCount,
  trialParameters,
} from "./search-space";

const params = (input: Record<string, SweepParameterInput>) =>
  Object.fromEntries(Object.entries(input).map(([field, p]) => [field, SweepParameter.parse(p)]));

const definition = (overrides: Partial<SweepDefinitionInput>) =>
  SweepDefinition.parse({
    base: { model: "lstm", dataset: "adding" },
    method: "random",
    parameters: { "training.learningRate": { kind: "log-uniform", min: 1e-4, max: 1e-1 } },
    metric: { name: "val/loss", goal: "minimize" },
    limits: { maxTrials: 10 },
    ...overrides,
  });

describe("axisValues", () => {
  it("takes a choice as listed, an int range by step, and continuous ranges with both endpoints", () => {
    expect(axisValues(SweepParameter.parse({ kind: "choice", values: ["sgd", "adam"] }))).toEqual(["sgd", "adam"]);
    expect(axisValues(SweepParameter.parse({ kind: "int", min: 16, max: 70, step: 16 }))).toEqual([16, 32, 48, 64]);
    expect(axisValues(SweepParameter.parse({ kind: "int", min: 3, max: 3 }))).toEqual([3]);
    expect(axisValues(SweepParameter.parse({ kind: "uniform", min: 0, max: 1, gridPoints: 5 }))).toEqual([
      0, 0.25, 0.5, 0.75, 1,
    ]);
    expect(axisValues(SweepParameter.parse({ kind: "uniform", min: 0, max: 0.3, gridPoints: 4 }))).toEqual([
      0, 0.1, 0.2, 0.3,
    ]);
    expect(axisValues(SweepParameter.parse({ kind: "log-uniform", min: 1e-4, max: 1e-1, gridPoints: 4 }))).toEqual([
      1e-4, 1e-3, 1e-2, 1e-1,
    ]);
    expect(() => axisValues(SweepParameter.parse({ kind: "uniform", min: 0, max: 1 }))).toThrow(/gridPoints/);
  });
});

describe("gridPoints", () => {
  const space = params({
    "training.optimizer": { kind: "choice", values: ["adam", "sgd", "rmsprop"] },
    "modelHyperparameters.units": { kind: "int", min: 8, max: 32, step: 8 },
    "training.learningRate": { kind: "log-uniform", min: 1e-3, max: 1e-1, gridPoints: 3 },
    "datasetParams.noisy": { kind: "choice", values: [false, true] },
  });

  it("holds every combination exactly once, as many as the product of the axes", () => {
    const points = gridPoints(space);
    expect(points).toHaveLength(3 * 4 * 3 * 2);
    expect(gridSize(space)).toBe(72);
    const seen = new Set(points.map((p) => JSON.stringify(p)));
    expect(seen.size).toBe(72);
    for (const optimizer of ["adam", "sgd", "rmsprop"]) {
      for (const units of [8, 16, 24, 32]) {
        for (const learningRate of [1e-3, 1e-2, 1e-1]) {
          for (const noisy of [false, true]) {
            const key = JSON.stringify({
              "datasetParams.noisy": noisy,
              "modelHyperparameters.units": units,
              "training.learningRate": learningRate,
              "training.optimizer": optimizer,
            });
            expect(seen.has(key)).toBe(true);
          }
        }
      }
    }
  });

  it("nests the fields in sorted order, the last varying fastest, whatever order they were written in", () => {
    const points = gridPoints(space);
    expect(points.slice(0, 4)).toEqual([
      {
        "datasetParams.noisy": false,
        "modelHyperparameters.units": 8,
        "training.learningRate": 1e-3,
        "training.optimizer": "adam",
      },
      {
        "datasetParams.noisy": false,
        "modelHyperparameters.units": 8,
        "training.learningRate": 1e-3,
        "training.optimizer": "sgd",
      },
      {
        "datasetParams.noisy": false,
        "modelHyperparameters.units": 8,
        "training.learningRate": 1e-3,
        "training.optimizer": "rmsprop",
      },
      {
        "datasetParams.noisy": false,
        "modelHyperparameters.units": 8,
        "training.learningRate": 1e-2,
        "training.optimizer": "adam",
      },
    ]);
    expect(points.at(-1)).toEqual({
      "datasetParams.noisy": true,
      "modelHyperparameters.units": 32,
      "training.learningRate": 1e-1,
      "training.optimizer": "rmsprop",
    });
    const reversed = Object.fromEntries(Object.entries(space).reverse());
    expect(gridPoints(reversed)).toEqual(points);
    points.forEach((point, i) => expect(gridPoint(space, i)).toEqual(point));
  });

  it("has nothing past its end", () => {
    expect(gridPoint(space, 71)).toBeDefined();
    expect(gridPoint(space, 72)).toBeUndefined();
    const grid = definition({ method: "grid", parameters: { seed: { kind: "int", min: 1, max: 3 } } });
    expect([0, 1, 2, 3].map((i) => trialParameters(grid, i))).toEqual([
      { seed: 1 },
      { seed: 2 },
      { seed: 3 },
      undefined,
    ]);
    expect(() => trialParameters(grid, -1)).toThrow(RangeError);
  });
});

describe("trialCount", () => {
  it("is the grid's size capped by maxTrials for grid search, and maxTrials for random search", () => {
    const parameters = { seed: { kind: "int", min: 1, max: 3 } } as const;
    expect(trialCount(definition({ method: "grid", parameters }))).toBe(3);
    expect(trialCount(definition({ method: "grid", parameters, limits: { maxTrials: 2 } }))).toBe(2);
    expect(trialCount(definition({ method: "random", parameters }))).toBe(10);
  });
});

describe("randomTrialParameters", () => {
  const space = params({
    "training.batchSize": { kind: "int", min: 8, max: 64, step: 8 },
    "training.clipNorm": { kind: "uniform", min: 0.5, max: 2 },
    "training.learningRate": { kind: "log-uniform", min: 1e-5, max: 1e-1 },
    "training.optimizer": { kind: "choice", values: ["adam", "sgd", "rmsprop"] },
  });
  const samples = Array.from({ length: 2000 }, (_, i) => randomTrialParameters(space, 7, i));

  it("is a pure function of (seed, trial number), and another seed gives other values", () => {
    expect(randomTrialParameters(space, 7, 123)).toEqual(samples[123]);
    expect(trialParameters(definition({ parameters: space, seed: 7 }), 5)).toEqual(samples[5]);
    const other = Array.from({ length: 20 }, (_, i) => randomTrialParameters(space, 8, i));
    const same = other.filter((p, i) => p["training.learningRate"] === samples[i]!["training.learningRate"]);
    expect(same).toHaveLength(0);
    expect(samples[0]).not.toEqual(samples[1]);
  });

  it("keeps a field's draws when another field is added", () => {
    const wider = { ...space, "datasetParams.length": SweepParameter.parse({ kind: "int", min: 10, max: 90 }) };
    const { "datasetParams.length": added, ...rest } = randomTrialParameters(wider, 7, 42);
    expect(rest).toEqual(samples[42]);
    expect(added).toBeDefined();
  });

  it("stays within bounds, on the int grid, and visits every choice and int value", () => {
    const batchSizes = new Set<unknown>();
    const optimizers = new Set<unknown>();
    for (const p of samples) {
      const batchSize = p["training.batchSize"] as number;
      expect(Number.isInteger(batchSize) && batchSize % 8 === 0 && batchSize >= 8 && batchSize <= 64).toBe(true);
      const clipNorm = p["training.clipNorm"] as number;
      expect(clipNorm >= 0.5 && clipNorm <= 2).toBe(true);
      const lr = p["training.learningRate"] as number;
      expect(lr >= 1e-5 && lr <= 1e-1).toBe(true);
      batchSizes.add(batchSize);
      optimizers.add(p["training.optimizer"]);
    }
    expect([...batchSizes].sort((a, b) => (a as number) - (b as number))).toEqual([8, 16, 24, 32, 40, 48, 56, 64]);
    expect(optimizers.size).toBe(3);
  });

  it("draws log-uniform values evenly in the logarithm: median and quartiles at the log-space quarters", () => {
    const logs = samples.map((p) => Math.log10(p["training.learningRate"] as number)).sort((a, b) => a - b);
    // The log10 range is [-5, -1]: quartiles at -4, -3 (the geometric mean), -2. A sample quantile of 2000 uniform
    // draws over 4 decades has a standard deviation under 0.045 decades, so 0.2 is more than four of them.
    expect(Math.abs(logs[1000]! - -3)).toBeLessThan(0.2);
    expect(Math.abs(logs[500]! - -4)).toBeLessThan(0.2);
    expect(Math.abs(logs[1500]! - -2)).toBeLessThan(0.2);
    const clipNorms = samples.map((p) => p["training.clipNorm"] as number).sort((a, b) => a - b);
    expect(Math.abs(clipNorms[1000]! - 1.25)).toBeLessThan(0.1);
  });
});
