import { describeCatalog } from "../server/catalog";
import { fieldHint, fieldLabel, humanizeKey, knownFieldLabel, rangeHint, type FieldSection } from "./field-labels";
import { fieldKind, type JsonObjectSchema } from "./field-validation";

const catalog = describeCatalog();
const keysOf = (schema: Record<string, unknown>): string[] =>
  Object.keys((schema as JsonObjectSchema).properties ?? {});

describe("field labels", () => {
  it("labels every field the launch form renders, so none ships as a camelCase key", () => {
    const sections: [FieldSection, string, string | undefined][] = [
      ...keysOf(catalog.training.params).map((k) => ["training", k, undefined] as [FieldSection, string, undefined]),
      ...keysOf(catalog.request.params).map((k) => ["request", k, undefined] as [FieldSection, string, undefined]),
      ...catalog.models.flatMap((m) =>
        keysOf(m.params).map((k) => ["modelHyperparameters", k, undefined] as [FieldSection, string, undefined]),
      ),
      ...catalog.datasets.flatMap((d) =>
        keysOf(d.params).map((k) => ["datasetParams", k, d.name] as [FieldSection, string, string]),
      ),
    ];
    expect(sections.length).toBeGreaterThan(50);
    const missing = sections.filter(([section, key, task]) => knownFieldLabel(section, key, task) === undefined);
    expect(missing).toEqual([]);
  });

  it("says what the issue asked for, units included, for the settings people set most", () => {
    expect(fieldLabel("training", "checkpointEveryMinutes")).toBe("Checkpoint every (minutes)");
    expect(fieldLabel("training", "learningRate")).toBe("Learning rate");
    expect(fieldLabel("training", "batchSize")).toBe("Batch size (samples)");
    expect(fieldLabel("training", "steps")).toBe("Steps");
    expect(fieldLabel("training", "validateWholeSplit")).toBe("Validate on the whole split");
    expect(fieldLabel("training", "gradientFlow")).toBe("Log gradient flow");
    expect(fieldLabel("training", "logPredictions")).toBe("Log sample predictions");
    expect(fieldLabel("request", "name")).toBe("Run name");
  });

  it("words a shared key the way its task means it", () => {
    expect(fieldLabel("datasetParams", "length", "adding")).toBe("Sequence length (steps)");
    expect(fieldLabel("datasetParams", "length", "char-lm")).toBe("Window length (characters)");
  });

  it("humanizes a key nobody labelled yet, and does not mistake Object's own properties for labels", () => {
    expect(humanizeKey("checkpointEveryMinutes")).toBe("Checkpoint every minutes");
    expect(humanizeKey("max_snr-db")).toBe("Max snr db");
    expect(fieldLabel("training", "someNewSetting")).toBe("Some new setting");
    expect(knownFieldLabel("modelHyperparameters", "constructor")).toBeUndefined();
    expect(knownFieldLabel("datasetParams", "toString", "adding")).toBeUndefined();
  });
});

describe("rangeHint", () => {
  const training = catalog.training.params as JsonObjectSchema;
  const p = (key: string) => training.properties![key]!;

  it("never states a range that includes the learning rate's rejected 0", () => {
    expect(rangeHint(p("learningRate"))).toBe("> 0, at most 10");
    expect(fieldHint(p("learningRate"), "Learning rate", "number")).toBe("> 0, at most 10");
  });

  it("writes inclusive ranges, one-sided bounds and strict upper bounds", () => {
    expect(rangeHint(p("steps"))).toBe("1 to 1000000");
    expect(rangeHint({ minimum: 0 })).toBe("at least 0");
    expect(rangeHint({ maximum: 3 })).toBe("at most 3");
    expect(rangeHint({ minimum: 0, exclusiveMaximum: 1 })).toBe("at least 0, < 1");
    expect(rangeHint({})).toBe("");
  });

  it("joins the schema's description (unless it repeats the label) with the range", () => {
    expect(fieldHint(p("steps"), "Steps", fieldKind(p("steps")))).toBe(
      "Optimiser steps to run · whole number, 1 to 1000000",
    );
    const wavenet = catalog.models.find((m) => m.name === "wavenet")!.params as JsonObjectSchema;
    expect(fieldHint(wavenet.properties!.dilations!, "Dilations", "array")).toBe("each 1 to 4096");
  });
});
