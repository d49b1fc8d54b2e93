import { TrainingSettings } from "@seqlab/contracts";
import { getTaskInfo, taskDefinitions } from "@seqlab/datasets/catalog";
import { compatibleModels, getModelDefinition } from "@seqlab/models/catalog";
import { describeCatalog } from "./catalog";
import { resolveRunConfig } from "./run-service";

/*
 * Every task's recommended preset against the model catalog. It lives here, where both light catalogs meet:
 * @seqlab/datasets may not depend on @seqlab/models (STYLE.md's arrows, and models already depends on datasets).
 */
describe("each task's recommended preset", () => {
  it.each(taskDefinitions.map((info) => [info.name] as const))("is a valid launch for %s", (name) => {
    const task = getTaskInfo(name);
    const { model, modelHyperparameters, training } = task.recommended;
    const heads = task.specFor(task.params.parse({})).heads;
    // The model exists, and the catalog's compatibility lookup offers it for the task's heads.
    expect(() => getModelDefinition(model)).not.toThrow();
    expect(compatibleModels(heads).map((m) => m.name)).toContain(model);
    // Hyperparameters and settings parse strictly (a misspelt key fails), as the server parses a launch.
    const hp = getModelDefinition(model).hyperparameters.strict().safeParse(modelHyperparameters);
    expect(hp.error?.issues ?? []).toEqual([]);
    expect(TrainingSettings.safeParse(training).error?.issues ?? []).toEqual([]);
    // And the launch the form sends for it passes the server's whole validation.
    const resolved = resolveRunConfig({ model, modelHyperparameters, dataset: name, training });
    expect(resolved.config.training).toEqual(TrainingSettings.parse(training));
  });

  it("reaches the dashboard with each task's description", () => {
    const described = describeCatalog().datasets;
    expect(described.map((d) => [d.name, d.recommended.model])).toEqual(
      taskDefinitions.map((t) => [t.name, t.recommended.model]),
    );
    expect(described.find((d) => d.name === "handwriting-lines")!.recommended.model).toBe("cnn-bilstm-ctc");
    expect(described.filter((d) => d.name.startsWith("translation-")).map((d) => d.recommended.model)).toEqual([
      "seq2seq-attention",
      "seq2seq-attention",
    ]);
  });
});
