import { LaunchValidationError, resolveRunConfig } from "../server/run-service";
import { describeCatalog } from "../server/catalog";
import { fieldForPath, placeIssues, type PathIssue } from "./field-error-paths";

/** The field ids the launch form has for a task and a model, as launch-form.tsx lists them. */
function formFieldIds(dataset: string, model: string): string[] {
  const catalog = describeCatalog();
  const keys = (schema: Record<string, unknown>) => Object.keys((schema.properties ?? {}) as object);
  return [
    "dataset",
    ...keys(catalog.datasets.find((d) => d.name === dataset)!.params).map((k) => `datasetParams.${k}`),
    "model",
    ...keys(catalog.models.find((m) => m.name === model)!.params).map((k) => `modelHyperparameters.${k}`),
    ...keys(catalog.training.params).map((k) => `training.${k}`),
    "seed",
    "priority",
    "queue",
    "name",
  ];
}

/** The issues the server's own validation answers a launch with. */
function serverIssues(body: unknown): PathIssue[] {
  try {
    resolveRunConfig(body);
  } catch (error) {
    if (error instanceof LaunchValidationError) return error.issues;
    throw error;
  }
  throw new Error("the launch was valid");
}

describe("placing a 400's issues on the launch form's fields", () => {
  it("puts the run name's and a training setting's errors next to those fields", () => {
    const ids = formFieldIds("adding", "lstm");
    const issues = serverIssues({
      model: "lstm",
      dataset: "adding",
      name: "bad\u0001name",
      training: { steps: 0 },
    });
    const placed = placeIssues(issues, ids);
    expect(Object.keys(placed.fieldErrors).sort()).toEqual(["name", "training.steps"]);
    expect(placed.fieldErrors.name).toBe("must not contain control characters");
    expect(placed.unplaced).toEqual([]);
  });

  it("puts cross-field rules the JSON Schema cannot carry, and array items, on the field they name", () => {
    const ids = formFieldIds("handwriting-lines", "cnn-bilstm-ctc");
    const issues = serverIssues({
      model: "cnn-bilstm-ctc",
      dataset: "handwriting-lines",
      datasetParams: { fonts: ["futural", "comic"] },
    });
    const placed = placeIssues(issues, ids);
    expect(Object.keys(placed.fieldErrors)).toEqual(["datasetParams.fonts"]);
    expect(placed.fieldErrors["datasetParams.fonts"]).toMatch(/^Item 2: /);
    expect(placed.unplaced).toEqual([]);
    const ordered = serverIssues({
      model: "cnn-bilstm-ctc",
      dataset: "handwriting-lines",
      datasetParams: { minScale: 1.1, maxScale: 1 },
    });
    expect(placeIssues(ordered, ids)).toEqual({
      fieldErrors: { "datasetParams.minScale": expect.stringContaining("maxScale") as string },
      unplaced: [],
    });
    const model = serverIssues({
      model: "cnn-bilstm-ctc",
      dataset: "handwriting-lines",
      modelHyperparameters: { windowWidth: 10, windowStride: 4 },
    });
    expect(placeIssues(model, ids).fieldErrors).toEqual({
      "modelHyperparameters.windowWidth": "windowWidth must be a multiple of windowStride",
    });
  });

  it("puts a model that does not fit the task on the model picker", () => {
    const issues = serverIssues({ model: "seq2seq-attention", dataset: "adding" });
    const placed = placeIssues(issues, formFieldIds("adding", "seq2seq-attention"));
    expect(Object.keys(placed.fieldErrors)).toEqual(["model"]);
  });

  it("leaves what belongs to no field (an unknown key, the team, the body) for the banner", () => {
    const ids = formFieldIds("adding", "lstm");
    const issues = serverIssues({ model: "lstm", dataset: "adding", training: { stepz: 3 }, team: "Not A Slug" });
    const placed = placeIssues(issues, ids);
    expect(placed.fieldErrors).toEqual({});
    expect(placed.unplaced.map((i) => i.path).sort()).toEqual(["team", "training.stepz"]);
    expect(placeIssues([{ path: "(body)", message: "expected object" }], ids).unplaced).toHaveLength(1);
  });

  it("matches whole path segments, longest field first, and joins several issues on one field", () => {
    expect(fieldForPath("training.steps", ["training.step", "training.steps"])).toBe("training.steps");
    expect(fieldForPath("training.stepsX", ["training.steps"])).toBeNull();
    expect(fieldForPath("a.b.c", ["a", "a.b"])).toBe("a.b");
    expect(
      placeIssues(
        [
          { path: "seed", message: "too small" },
          { path: "seed", message: "not an integer" },
          { path: "seed", message: "not an integer" },
        ],
        ["seed"],
      ).fieldErrors,
    ).toEqual({ seed: "too small; not an integer" });
  });
});
