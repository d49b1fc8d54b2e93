import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import * as full from "./model-builders";
import * as light from "./model-definitions";
import type { HeadKind } from "./types";

const repoRoot = path.resolve(__dirname, "../../..");
const packageRoot = path.resolve(__dirname, "..");

/** What the dashboard renders and validates from: everything of a definition but the builder. */
function dashboardView(m: light.ModelDefinition) {
  return {
    name: m.name,
    title: m.title,
    description: m.description,
    heads: [...m.heads],
    params: z.toJSONSchema(m.hyperparameters, { io: "input" }),
    defaults: m.hyperparameters.parse({}),
  };
}

describe("light definitions agree with the full catalog", () => {
  test("same models in the same order, with the same titles, heads, schemas and defaults", () => {
    expect(light.modelDefinitions.map((m) => m.name)).toEqual(full.modelCatalog.map((m) => m.name));
    for (const definition of light.modelDefinitions) {
      const entry = full.getModelDefinition(definition.name);
      expect(typeof entry.build).toBe("function");
      expect(dashboardView(entry)).toEqual(dashboardView(definition));
      expect(dashboardView(light.getModelDefinition(definition.name))).toEqual(dashboardView(definition));
    }
  });

  test("the lookups answer alike, errors included", () => {
    const heads = [...new Set(light.modelDefinitions.flatMap((m) => m.heads))] as HeadKind[];
    for (const head of heads) {
      expect(light.compatibleModels([head]).map((m) => m.name)).toEqual(
        full.compatibleModels([head]).map((m) => m.name),
      );
    }
    expect(() => light.getModelDefinition("transformer")).toThrow(
      `Unknown model "transformer". Known models: ${light.modelDefinitions.map((m) => m.name).join(", ")}`,
    );
    expect(() => full.getModelDefinition("transformer")).toThrow(
      `Unknown model "transformer". Known models: ${full.modelCatalog.map((m) => m.name).join(", ")}`,
    );
    const lstm = light.getModelDefinition("lstm");
    expect(light.parseHyperparameters(lstm, { units: 8 })).toEqual(full.parseHyperparameters(lstm, { units: 8 }));
    expect(() => light.parseHyperparameters(lstm, { units: 0, bogus: 1 })).toThrow(
      /Invalid hyperparameters for model "lstm": units: .*; bogus: /,
    );
    expect(light.headMismatch(lstm, "adding", ["seq2seq"])).toBe(
      'model "lstm" (heads: classification, regression, forecast, tagging, ctc, generation) does not fit dataset "adding" (heads: seq2seq)',
    );
    expect(light.headMismatch(lstm, "adding", ["regression"])).toBeNull();
  });
});

describe("@seqlab/models/catalog stays light", () => {
  test("the package exports ./catalog as this module", () => {
    const manifest = JSON.parse(readFileSync(path.join(packageRoot, "package.json"), "utf8")) as {
      exports: Record<string, string>;
    };
    expect(path.resolve(packageRoot, manifest.exports["./catalog"] as string)).toBe(
      path.join(__dirname, "model-definitions.ts"),
    );
  });

  // A fresh Node process (Jest's own module registry would already hold tfjs from the import of the full catalog
  // above): up to 30 s because tsx and zod start in well under a second, but other Jest workers share the 2 cores.
  test("loading it pulls in neither TensorFlow.js nor any builder", () => {
    const entry = path.join(__dirname, "model-definitions.ts");
    const stdout = execFileSync(
      process.execPath,
      [
        "--import",
        "tsx",
        "-e",
        `require(${JSON.stringify(entry)}); console.log(JSON.stringify(Object.keys(require.cache)))`,
      ],
      { cwd: repoRoot, encoding: "utf8" },
    );
    const loaded = JSON.parse(stdout.trim().split("\n").pop() as string) as string[];
    expect(loaded).toContain(entry);
    expect(loaded.filter((p) => p.includes("@tensorflow"))).toEqual([]);
    // The whole closure of the light entry inside this package: anything else (a layer, a builder) is heavy.
    const ownSources = loaded
      .filter((p) => p.startsWith(path.join(packageRoot, "src") + path.sep))
      .map((p) => path.relative(packageRoot, p))
      .sort();
    expect(ownSources).toEqual([
      "src/ctc/line-recognizer-hyperparameters.ts",
      "src/model-definitions.ts",
      "src/model-lookup.ts",
      "src/seq2seq/seq2seq-hyperparameters.ts",
      "src/wavenet/wavenet-hyperparameters.ts",
    ]);
  }, 30_000);
});
