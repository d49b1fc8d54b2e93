import type { SweepableField } from "./sweep-fields";
import {
  allowedKinds,
  metricChoices,
  prefillMetric,
  prefillParameter,
  prefillScheduler,
  proposeRange,
} from "./sweep-prefill";

const field = (over: Partial<SweepableField> & Pick<SweepableField, "key" | "kind" | "value">): SweepableField => ({
  path: `training.${over.key}`,
  area: "training",
  label: over.key,
  hint: "",
  ...over,
});

describe("the sweep form's proposals", () => {
  it("proposes the learning rate log-uniform a decade either side, ticked", () => {
    const lr = field({ key: "learningRate", kind: "number", value: 0.001, exclusiveMinimum: 0, maximum: 10 });
    expect(prefillParameter(lr)).toMatchObject({ enabled: true, kind: "log-uniform", min: "0.0001", max: "0.01" });
    // Clamped to the schema's top.
    expect(proposeRange({ ...lr, value: 2 }, "log-uniform")).toMatchObject({ min: "0.2", max: "10" });
  });

  it("halves and doubles sizes as a choice and ranges small integers, inside the bounds", () => {
    const batch = field({ key: "batchSize", kind: "int", value: 32, minimum: 1, maximum: 1024 });
    expect(prefillParameter(batch)).toMatchObject({ enabled: false, kind: "choice", values: "16, 32, 64" });
    const big = field({ key: "batchSize", kind: "int", value: 1024, minimum: 1, maximum: 1024 });
    expect(prefillParameter(big).values).toBe("512, 1024");
    const layers = field({ key: "layers", kind: "int", value: 1, minimum: 1, maximum: 8 });
    expect(prefillParameter(layers)).toMatchObject({ kind: "int", min: "1", max: "2", step: "1" });
  });

  it("ranges other numbers from half to double, and a zero from 0 up to half its bound", () => {
    const clip = field({ key: "clipNorm", kind: "number", value: 1, minimum: 0, maximum: 1000 });
    expect(prefillParameter(clip)).toMatchObject({ kind: "uniform", min: "0.5", max: "2" });
    const dropout = field({ key: "dropout", kind: "number", value: 0, minimum: 0, maximum: 0.9 });
    expect(prefillParameter(dropout)).toMatchObject({ kind: "uniform", min: "0", max: "0.5" });
  });

  it("offers every option of an enum, and only the kinds its field takes", () => {
    const optimizer = field({ key: "optimizer", kind: "enum", value: "adam", options: ["adam", "sgd", "rmsprop"] });
    expect(prefillParameter(optimizer)).toMatchObject({ kind: "choice", values: "adam, sgd, rmsprop" });
    expect(allowedKinds(optimizer)).toEqual(["choice"]);
    expect(allowedKinds({ kind: "int" })).toEqual(["int", "choice"]);
  });

  it("puts ASHA's first rung at a multiple of evalEvery near a 81st of the run's steps", () => {
    expect(prefillScheduler({ steps: 500, evalEvery: 25 })).toEqual({
      kind: "asha",
      eta: "3",
      minSteps: "25",
      maxSteps: "500",
    });
    expect(prefillScheduler({ steps: 100_000, evalEvery: 25 }).minSteps).toBe("1250");
    // Too short for even one validation below the top: a ninth of the steps.
    expect(prefillScheduler({ steps: 20, evalEvery: 25 }).minSteps).toBe("2");
  });

  it("ranks the metric keys and picks val/loss, or an accuracy to maximise", () => {
    expect(metricChoices(["train/loss", "system/cpu", "val/accuracy", "val/loss", "test/loss"])).toEqual([
      "val/accuracy",
      "val/loss",
      "test/loss",
      "train/loss",
    ]);
    expect(prefillMetric(["train/loss", "val/loss"])).toEqual({ name: "val/loss", goal: "minimize" });
    expect(prefillMetric(["val/accuracy", "train/loss"])).toEqual({ name: "val/accuracy", goal: "maximize" });
    expect(prefillMetric([])).toEqual({ name: "val/loss", goal: "minimize" });
  });
});
