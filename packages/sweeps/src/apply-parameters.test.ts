import { SweepBase } from "@seqlab/contracts";
import { applyTrialParameters } from "./apply-parameters";

describe("applyTrialParameters", () => {
  const base = SweepBase.parse({
    model: "lstm",
    modelHyperparameters: { units: 32, layers: [1, 2] },
    dataset: "adding",
    datasetParams: { length: 50 },
  });
  const frozen = structuredClone(base);

  it("sets each dotted path where it belongs", () => {
    const trial = applyTrialParameters(base, {
      model: "gru",
      dataset: "copy",
      seed: 7,
      "training.learningRate": 0.01,
      "training.optimizer": "sgd",
      "modelHyperparameters.units": 64,
      "modelHyperparameters.dropout": 0.1,
      "datasetParams.length": 100,
    });
    expect(trial).toEqual({
      ...base,
      model: "gru",
      dataset: "copy",
      seed: 7,
      training: { ...base.training, learningRate: 0.01, optimizer: "sgd" },
      modelHyperparameters: { units: 64, layers: [1, 2], dropout: 0.1 },
      datasetParams: { length: 100 },
    });
  });

  it("returns a copy and leaves the base, nested values included, as it was", () => {
    const trial = applyTrialParameters(base, { "training.batchSize": 8, "datasetParams.length": 10 });
    expect(base).toEqual(frozen);
    (trial.modelHyperparameters.layers as number[]).push(3);
    trial.training.steps = 1;
    expect(base).toEqual(frozen);
    expect(applyTrialParameters(base, {})).toEqual(base);
    expect(applyTrialParameters(base, {})).not.toBe(base);
  });

  it("keeps the base's hyperparameters when the model changes: the catalog check is the web app's", () => {
    expect(applyTrialParameters(base, { model: "transformer" }).modelHyperparameters).toEqual(
      base.modelHyperparameters,
    );
  });

  it("refuses a path that names no field", () => {
    expect(() => applyTrialParameters(base, { "training.nope": 1 })).toThrow(/"training.nope"/);
    expect(() => applyTrialParameters(base, { queue: "a100" })).toThrow(RangeError);
  });
});
