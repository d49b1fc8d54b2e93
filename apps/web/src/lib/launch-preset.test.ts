import { describeCatalog } from "../server/catalog";
import {
  keepChoices,
  modelsForTask,
  pickTask,
  recommendedChoices,
  sameChoices,
  type LaunchChoices,
  type PresetTask,
} from "./launch-preset";

const catalog = describeCatalog();
const defaults = catalog.training.defaultParams;
const task = (name: string): PresetTask => catalog.datasets.find((d) => d.name === name)!;
const preset = (name: string): LaunchChoices => recommendedChoices(task(name), catalog.models, defaults);

describe("task presets in the launch form", () => {
  it("switches handwriting-lines to the CNN + BiLSTM + CTC recogniser with a workable step count", () => {
    const choices = preset("handwriting-lines");
    expect(choices.model).toBe("cnn-bilstm-ctc");
    expect(choices.training.steps).toBeGreaterThanOrEqual(1000);
    // Settings the preset leaves alone keep the platform's defaults; the model's hyperparameters are complete.
    expect(choices.training.maxRestarts).toBe(defaults.maxRestarts);
    expect(Object.keys(choices.modelHyperparameters).sort()).toEqual(
      Object.keys(catalog.models.find((m) => m.name === "cnn-bilstm-ctc")!.defaultParams).sort(),
    );
  });

  it("lays the preset's hyperparameters over the model's defaults", () => {
    const adding = preset("adding");
    expect(adding.model).toBe("lstm");
    expect(adding.modelHyperparameters).toMatchObject({ units: 32, layers: 1, unitForgetBias: true });
    expect(preset("translation-dates").model).toBe("seq2seq-attention");
    expect(preset("char-lm").model).toBe("lstm");
  });

  it("moves an untouched form to the next task's preset with nothing of the user's to keep", () => {
    const pick = pickTask(preset("adding"), task("adding"), task("handwriting-lines"), catalog.models, defaults);
    expect(pick.choices).toEqual(preset("handwriting-lines"));
    expect(pick.previous).toBeNull();
  });

  it("counts typed text equal to the preset as untouched ('3000' is 3000)", () => {
    const typed = { ...preset("adding"), training: { ...preset("adding").training, steps: "3000" } };
    expect(sameChoices(typed, preset("adding"))).toBe(true);
    expect(pickTask(typed, task("adding"), task("char-lm"), catalog.models, defaults).previous).toBeNull();
    expect(sameChoices({ ...typed, training: { ...typed.training, steps: "" } }, preset("adding"))).toBe(false);
  });

  it("switches an edited form too, and offers the user's own choices back, model included when it fits", () => {
    const edited = { ...preset("adding"), training: { ...preset("adding").training, steps: "60", batchSize: "8" } };
    const pick = pickTask(edited, task("adding"), task("handwriting-lines"), catalog.models, defaults);
    expect(pick.choices.model).toBe("cnn-bilstm-ctc");
    expect(pick.previous).toBe(edited);
    // An LSTM has a CTC head: it may train on lines, so keeping it keeps everything.
    const kept = keepChoices(pick.previous!, task("handwriting-lines"), catalog.models, pick.choices);
    expect(kept).toEqual({ choices: edited, modelKept: true });
  });

  it("keeps only the training settings when the user's model cannot drive the new task's heads", () => {
    const edited = { ...preset("adding"), training: { ...preset("adding").training, steps: "60" } };
    const pick = pickTask(edited, task("adding"), task("translation-numbers"), catalog.models, defaults);
    const kept = keepChoices(pick.previous!, task("translation-numbers"), catalog.models, pick.choices);
    expect(kept.modelKept).toBe(false);
    expect(kept.choices.model).toBe("seq2seq-attention");
    expect(kept.choices.modelHyperparameters).toEqual(pick.choices.modelHyperparameters);
    expect(kept.choices.training.steps).toBe("60");
  });

  it("treats a cloned run's settings as the user's own", () => {
    const clone: LaunchChoices = { model: "gru", modelHyperparameters: { units: 16 }, training: { ...defaults } };
    expect(pickTask(clone, undefined, task("adding"), catalog.models, defaults).previous).toBe(clone);
  });

  it("falls back to the first fitting model when a preset names a model the catalog lacks", () => {
    const broken: PresetTask = {
      ...task("adding"),
      recommended: { model: "transformer", modelHyperparameters: { heads: 8 }, training: {}, why: "none." },
    };
    const choices = recommendedChoices(broken, catalog.models, defaults);
    expect(choices.model).toBe(modelsForTask(catalog.models, broken)[0]!.name);
    expect(choices.modelHyperparameters).not.toHaveProperty("heads");
  });

  it("offers only models whose heads fit the task", () => {
    expect(modelsForTask(catalog.models, task("translation-dates")).map((m) => m.name)).toEqual(["seq2seq-attention"]);
    expect(modelsForTask(catalog.models, task("handwriting-lines")).map((m) => m.name)).toContain("cnn-bilstm-ctc");
  });
});
