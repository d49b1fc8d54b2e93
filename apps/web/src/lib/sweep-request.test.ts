import { SweepDefinition, TrainingSettings, type ResolvedRunConfig, type SweepBase } from "@seqlab/contracts";
import { describeCatalog } from "../server/catalog";
import { placeIssues } from "./field-error-paths";
import type { JsonObjectSchema } from "./field-validation";
import { sweepableFields } from "./sweep-fields";
import { prefillDraft, type SweepFormDraft } from "./sweep-prefill";
import { buildSweepRequest, parameterIssuePath, type SweepRequestContext } from "./sweep-request";

const catalog = describeCatalog();
const lstm = catalog.models.find((m) => m.name === "lstm")!;
const adding = catalog.datasets.find((d) => d.name === "adding")!;
const config: ResolvedRunConfig = {
  model: "lstm",
  modelHyperparameters: { ...lstm.defaultParams },
  dataset: "adding",
  datasetParams: { ...adding.defaultParams },
  training: TrainingSettings.parse({ steps: 500, evalEvery: 25 }),
  seed: 7,
};
const fields = sweepableFields(config, {
  training: catalog.training.params as JsonObjectSchema,
  model: lstm.params as JsonObjectSchema,
  dataset: adding.params as JsonObjectSchema,
});
const base: SweepBase = { ...config, queue: "default", priority: 0 };
const ctx: SweepRequestContext = { team: "acme", project: "default", base, sourceRunId: "run1", fields };
const draft = prefillDraft(fields, config.training, ["train/loss", "val/loss"], "lstm-adding");
/** The draft with one row changed (and ticked). */
const withRow = (path: string, row: Partial<SweepFormDraft["parameters"][string]>): SweepFormDraft => ({
  ...draft,
  parameters: { ...draft.parameters, [path]: { ...draft.parameters[path]!, enabled: true, ...row } },
});

describe("the sweep form's request", () => {
  it("sends the untouched form as a valid definition: the learning rate, log-uniform, under ASHA", () => {
    const built = buildSweepRequest(draft, ctx);
    expect(built.issues).toEqual([]);
    const definition = SweepDefinition.parse(built.body.definition);
    expect(definition.parameters).toEqual({ "training.learningRate": { kind: "log-uniform", min: 0.0001, max: 0.01 } });
    expect(definition.scheduler).toEqual({ kind: "asha", eta: 3, minSteps: 25, maxSteps: 500 });
    expect(definition.metric).toEqual({ name: "val/loss", goal: "minimize" });
    expect(definition.limits).toEqual({ maxTrials: 27, maxConcurrent: 2 });
    expect(definition.base.queue).toBe("default");
    expect(built.body.sourceRunId).toBe("run1");
    expect(built.body.definition.name).toBe("lstm-adding-sweep");
  });

  it("parses choices as the field's kind, enums keeping their option values", () => {
    const batch = withRow("training.batchSize", { kind: "choice", values: "16, 32,64" });
    const optimizer = { ...draft.parameters["training.optimizer"]!, enabled: true, values: "adam, sgd" };
    const built = buildSweepRequest(
      { ...batch, parameters: { ...batch.parameters, "training.optimizer": optimizer } },
      ctx,
    );
    expect(built.issues).toEqual([]);
    expect(built.body.definition.parameters["training.batchSize"]).toEqual({ kind: "choice", values: [16, 32, 64] });
    expect(built.body.definition.parameters["training.optimizer"]).toEqual({ kind: "choice", values: ["adam", "sgd"] });
  });

  it("asks grid search for gridPoints on continuous ranges, and random search not", () => {
    const grid = buildSweepRequest({ ...draft, method: "grid" }, ctx);
    expect(grid.issues).toEqual([]);
    expect(grid.body.definition.parameters["training.learningRate"]).toMatchObject({ gridPoints: 3 });
    const blank = buildSweepRequest({ ...withRow("training.learningRate", { gridPoints: "" }), method: "grid" }, ctx);
    expect(blank.issues).toEqual([
      { path: `${parameterIssuePath("training.learningRate")}.gridPoints`, message: "is required" },
    ]);
  });

  it("names a text that is no number at its path, without the contract repeating it", () => {
    const built = buildSweepRequest(
      { ...withRow("training.learningRate", { min: "abc" }), maxTrials: "2.5", stepBudget: "" },
      ctx,
    );
    expect(built.issues).toEqual([
      { path: "definition.parameters.training.learningRate.min", message: '"abc" is not a number' },
      { path: "definition.limits.maxTrials", message: "must be a whole number, not 2.5" },
    ]);
    const choice = buildSweepRequest(withRow("training.batchSize", { kind: "choice", values: "16, x" }), ctx);
    expect(choice.issues).toEqual([
      { path: "definition.parameters.training.batchSize.values.1", message: '"x" is not a number' },
    ]);
  });

  it("passes on what the contract refuses, where the form can show it", () => {
    const steps = buildSweepRequest(withRow("training.steps", {}), ctx);
    expect(steps.issues.map((i) => i.path)).toEqual(["definition.parameters.training.steps"]);
    const reversed = buildSweepRequest(withRow("training.learningRate", { min: "0.1", max: "0.01" }), ctx);
    expect(reversed.issues.map((i) => i.path)).toEqual(["definition.parameters.training.learningRate.max"]);
    const rowIds = fields.map((f) => parameterIssuePath(f.path));
    const placed = placeIssues(reversed.issues, [...rowIds, ...rowIds.map((id) => `${id}.max`)]);
    expect(Object.keys(placed.fieldErrors)).toEqual(["definition.parameters.training.learningRate.max"]);
  });

  it("leaves the name and step budget out when empty, and refuses a sweep that varies nothing", () => {
    const nothing = buildSweepRequest(
      { ...withRow("training.learningRate", { enabled: false }), name: " ", stepBudget: "" },
      ctx,
    );
    expect(nothing.body.definition).not.toHaveProperty("name");
    expect(nothing.body.definition.limits).not.toHaveProperty("stepBudget");
    expect(nothing.issues.map((i) => i.path)).toEqual(["definition.parameters"]);
    const budget = buildSweepRequest({ ...draft, stepBudget: "10000" }, ctx);
    expect(budget.body.definition.limits.stepBudget).toBe(10_000);
  });
});
