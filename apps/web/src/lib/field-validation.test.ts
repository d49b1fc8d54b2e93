import { LaunchRunRequest, TrainingSettings } from "@seqlab/contracts";
import { describeCatalog } from "../server/catalog";
import {
  checkField,
  checkSection,
  displayFieldValue,
  fieldKind,
  isFieldRequired,
  type JsonObjectSchema,
  type JsonSchemaProperty,
} from "./field-validation";

const catalog = describeCatalog();
const training = catalog.training.params as JsonObjectSchema;
const request = catalog.request.params as JsonObjectSchema;
const prop = (schema: JsonObjectSchema, key: string): JsonSchemaProperty => schema.properties![key]!;

describe("checkField against the catalog's JSON Schemas", () => {
  it("refuses a cleared defaulted field instead of sending nothing (which would launch with the default)", () => {
    const steps = prop(training, "steps");
    expect(isFieldRequired(training, "steps")).toBe(true);
    expect(checkField(steps, "", true)).toEqual({ ok: false, message: "Required: enter a whole number (default 500)" });
    expect(checkField(steps, "   ", true)).toMatchObject({ ok: false });
    expect(checkSection(training, { ...catalog.training.defaultParams, steps: "" }, "training").errors).toEqual({
      "training.steps": "Required: enter a whole number (default 500)",
    });
  });

  it("names text typed into a number field, where Number() would have made NaN, 0 or a hex value of it", () => {
    const rate = prop(training, "learningRate");
    for (const typed of ["abc", "1e", "0x10", "Infinity", "1,5", "--1", "."]) {
      expect(checkField(rate, typed, true)).toEqual({ ok: false, message: `"${typed}" is not a number` });
    }
    expect(checkField(prop(training, "steps"), "12.5", true)).toEqual({ ok: false, message: "Must be a whole number" });
  });

  it("reads numbers as people type them, exponents included", () => {
    const rate = prop(training, "learningRate");
    expect(checkField(rate, " 3e-4 ", true)).toEqual({ ok: true, value: 0.0003 });
    expect(checkField(rate, ".5", true)).toEqual({ ok: true, value: 0.5 });
    expect(checkField(prop(training, "steps"), "1e3", true)).toEqual({ ok: true, value: 1000 });
    expect(checkField(prop(request, "priority"), "-100", true)).toEqual({ ok: true, value: -100 });
  });

  it("keeps strict bounds strict: a learning rate of 0 is refused, 10 is allowed, 10.5 is not", () => {
    const rate = prop(training, "learningRate");
    expect(checkField(rate, "0", true)).toEqual({ ok: false, message: "Must be greater than 0" });
    expect(checkField(rate, "10", true)).toEqual({ ok: true, value: 10 });
    expect(checkField(rate, "10.5", true)).toEqual({ ok: false, message: "Must be at most 10" });
    expect(checkField(prop(training, "batchSize"), "0", true)).toEqual({ ok: false, message: "Must be at least 1" });
    expect(checkField({ type: "number", exclusiveMaximum: 1 }, "1", true)).toEqual({
      ok: false,
      message: "Must be less than 1",
    });
  });

  it("agrees with the zod schema the server parses with on every value it accepts or refuses", () => {
    const cases: [string, string][] = [
      ["steps", "1"],
      ["steps", "0"],
      ["steps", "1000001"],
      ["learningRate", "0"],
      ["learningRate", "1e-9"],
      ["clipNorm", "0"],
      ["checkpointEveryMinutes", "0.04"],
      ["checkpointEveryMinutes", "0.05"],
      ["maxRestarts", "-1"],
    ];
    for (const [key, text] of cases) {
      const browser = checkField(prop(training, key), text, true);
      const server = TrainingSettings.safeParse({ [key]: Number(text) });
      expect([key, text, browser.ok]).toEqual([key, text, server.success]);
    }
  });

  it("turns selects back into their enum values and refuses anything else", () => {
    expect(checkField(prop(training, "optimizer"), "sgd", true)).toEqual({ ok: true, value: "sgd" });
    expect(checkField(prop(training, "optimizer"), "lbfgs", true)).toEqual({
      ok: false,
      message: '"lbfgs" is not one of adam, sgd, rmsprop',
    });
    expect(checkField({ enum: [1, 2] }, "2", true)).toEqual({ ok: true, value: 2 });
  });

  it("reads booleans from checkboxes and loaded values", () => {
    const flow = prop(training, "gradientFlow");
    expect(fieldKind(flow)).toBe("boolean");
    expect(checkField(flow, false, true)).toEqual({ ok: true, value: false });
    expect(checkField(flow, true, true)).toEqual({ ok: true, value: true });
  });

  it("checks arrays item by item: WaveNet's dilations and handwriting-lines' fonts", () => {
    const wavenet = catalog.models.find((m) => m.name === "wavenet")!.params as JsonObjectSchema;
    const dilations = prop(wavenet, "dilations");
    expect(checkField(dilations, "1, 2, 4,", true)).toEqual({ ok: true, value: [1, 2, 4] });
    expect(checkField(dilations, "1, two", true)).toEqual({ ok: false, message: 'Item 2: "two" is not a number' });
    expect(checkField(dilations, "0", true)).toEqual({ ok: false, message: "Must be at least 1" });
    expect(checkField(dilations, [1, 2], true)).toEqual({ ok: true, value: [1, 2] });
    const lines = catalog.datasets.find((d) => d.name === "handwriting-lines")!.params as JsonObjectSchema;
    expect(checkField(prop(lines, "fonts"), "futural, comic", true)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^Item 2: "comic" is not one of futural, /),
    });
    expect(checkField(prop(lines, "fonts"), ",", true)).toEqual({
      ok: false,
      message: "List at least 1, separated by commas",
    });
  });

  it("lets an optional field stay empty (the run name is generated) but checks it when filled", () => {
    expect(isFieldRequired(request, "name")).toBe(false);
    expect(checkField(prop(request, "name"), "", false)).toEqual({ ok: true, value: undefined });
    expect(checkField(prop(request, "name"), "x".repeat(121), false)).toEqual({
      ok: false,
      message: "Must be at most 120 characters (this is 121)",
    });
    expect(checkField(prop(request, "queue"), "My Queue", true)).toMatchObject({ ok: false });
    expect(checkField(prop(request, "queue"), "a100", true)).toEqual({ ok: true, value: "a100" });
  });

  it("builds a request section the server accepts from the form's defaults, numbers typed as text included", () => {
    const section = checkSection(request, { ...catalog.request.defaultParams, seed: "7", name: " my run " }, "");
    expect(section.errors).toEqual({});
    expect(section.values).toEqual({ seed: 7, priority: 0, queue: "default", name: "my run" });
    expect(LaunchRunRequest.safeParse({ model: "lstm", dataset: "adding", ...section.values }).success).toBe(true);
  });

  it("renders values for inputs", () => {
    expect(displayFieldValue([1, 2])).toBe("1, 2");
    expect(displayFieldValue(undefined)).toBe("");
    expect(displayFieldValue(0.001)).toBe("0.001");
  });
});
