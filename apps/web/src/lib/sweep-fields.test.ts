import { TrainingSettings, type ResolvedRunConfig } from "@seqlab/contracts";
import { describeCatalog } from "../server/catalog";
import type { JsonObjectSchema } from "./field-validation";
import { sweepableFields, type SweepFieldSchemas } from "./sweep-fields";

const catalog = describeCatalog();
const schemasOf = (model: string, dataset: string): SweepFieldSchemas => ({
  training: catalog.training.params as JsonObjectSchema,
  model: (catalog.models.find((m) => m.name === model)?.params ?? null) as JsonObjectSchema | null,
  dataset: (catalog.datasets.find((d) => d.name === dataset)?.params ?? null) as JsonObjectSchema | null,
});
const config: ResolvedRunConfig = {
  model: "wavenet",
  modelHyperparameters: { ...catalog.models.find((m) => m.name === "wavenet")!.defaultParams },
  dataset: "adding",
  datasetParams: { ...catalog.datasets.find((d) => d.name === "adding")!.defaultParams },
  training: TrainingSettings.parse({ learningRate: 0.003 }),
  seed: 1,
};

describe("the fields a sweep from a run offers", () => {
  const fields = sweepableFields(config, schemasOf("wavenet", "adding"));
  const byPath = new Map(fields.map((f) => [f.path, f]));

  it("lists numeric and enum training settings with the run's value and the schema's bounds, booleans left out", () => {
    expect(byPath.get("training.learningRate")).toMatchObject({
      kind: "number",
      value: 0.003,
      exclusiveMinimum: 0,
      maximum: 10,
      label: "Learning rate",
    });
    expect(byPath.get("training.batchSize")).toMatchObject({ kind: "int", minimum: 1, maximum: 1024 });
    expect(byPath.get("training.optimizer")).toMatchObject({ kind: "enum", options: ["adam", "sgd", "rmsprop"] });
    expect(byPath.has("training.gradientFlow")).toBe(false);
    expect(fields[0]!.path).toBe("training.steps");
  });

  it("adds the model's and the task's numeric and enum parameters, skipping arrays", () => {
    expect(byPath.get("modelHyperparameters.kernelSize")).toMatchObject({ kind: "int", value: 2 });
    expect(byPath.has("modelHyperparameters.dilations")).toBe(false);
    expect(byPath.get("datasetParams.variant")).toMatchObject({ kind: "enum", options: ["modern", "hochreiter"] });
    expect(byPath.get("datasetParams.length")).toMatchObject({ kind: "int", value: 50 });
  });

  it("judges a hyperparameter the catalog no longer describes by its value", () => {
    const old = sweepableFields(
      { ...config, modelHyperparameters: { width: 64, rate: 0.5, name: "x" } },
      { ...schemasOf("wavenet", "adding"), model: null },
    );
    const kinds = Object.fromEntries(old.filter((f) => f.area === "modelHyperparameters").map((f) => [f.key, f.kind]));
    expect(kinds).toEqual({ width: "int", rate: "number" });
  });
});
