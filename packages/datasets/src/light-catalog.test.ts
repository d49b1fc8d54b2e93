import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { TrainingSettings } from "@seqlab/contracts";
import { z } from "zod";
import { getTask, taskCatalog } from "./catalog";
import { describeTasks, getTaskInfo, parseTaskParams, taskDefinitions } from "./light-catalog";

const packageRoot = join(__dirname, "..");
const lightEntry = join(__dirname, "light-catalog.ts");

/**
 * Path fragments of the modules the dashboard must never load through the light entry: fonts, rasterizers, PNG
 * code, the audio pipeline, the scene and line renderers, TensorFlow, and every full task module (`-task.ts`)
 * with the sample machinery behind it (`define-task`, the seeded `random`).
 */
const HEAVY_MODULES = [
  "hersheytext",
  "render/",
  "formant-synthesizer",
  "mel-spectrogram",
  "scene-renderer",
  "line-renderer",
  "@tensorflow",
  "-task.ts",
  "define-task",
  "/random.ts",
];

/** Every file a fresh Node process has loaded after requiring `specifier` (with tsx compiling the TypeScript). */
function modulesLoadedBy(specifier: string): { resolved: string; loaded: string[] } {
  const script =
    `const resolved = require.resolve(${JSON.stringify(specifier)}); require(resolved);` +
    "console.log(JSON.stringify({ resolved, loaded: Object.keys(require.cache) }));";
  const stdout = execFileSync(process.execPath, ["--import", "tsx", "-e", script], {
    cwd: packageRoot,
    encoding: "utf8",
  });
  return JSON.parse(stdout) as { resolved: string; loaded: string[] };
}

describe("light task catalog", () => {
  it("agrees with the full catalog on every task", () => {
    expect(taskDefinitions.map((info) => info.name)).toEqual(taskCatalog.map((task) => task.name));
    taskDefinitions.forEach((info, i) => {
      const task = taskCatalog[i]!;
      expect(task.title).toBe(info.title);
      expect(task.description).toBe(info.description);
      expect(task.problemType).toBe(info.problemType);
      expect(task.metric).toEqual(info.metric);
      expect(task.recommended).toBe(info.recommended);
      // One schema object, so the worker and the dashboard validate with the very same rules.
      expect(task.params).toBe(info.params);
      expect(z.toJSONSchema(task.params, { io: "input" })).toEqual(z.toJSONSchema(info.params, { io: "input" }));
      const defaults = info.params.parse({});
      expect(task.specFor(defaults)).toEqual(info.specFor(defaults));
      expect(task.create(defaults, 1).spec).toEqual(info.specFor(defaults));
    });
  });

  it("finds each task and lists the known names for an unknown one, as getTask does", () => {
    for (const info of taskDefinitions) expect(getTaskInfo(info.name)).toBe(info);
    expect(() => getTaskInfo("nope")).toThrow(/unknown task "nope"; known tasks: .*adding/);
    const message = (lookup: (name: string) => unknown) => {
      try {
        lookup("nope");
      } catch (error) {
        return (error as Error).message;
      }
      return "no error";
    };
    expect(message(getTaskInfo)).toBe(message(getTask));
  });

  it("validates params on the light definition and names the bad field", () => {
    const adding = getTaskInfo("adding");
    expect(parseTaskParams(adding, undefined)).toEqual(adding.params.parse({}));
    expect(() => parseTaskParams(adding, { length: 1 })).toThrow("adding: invalid params: length must be at least 2");
    expect(() => parseTaskParams(getTaskInfo("speech-digits"), { minDigits: 4, maxDigits: 2 })).toThrow(
      "minDigits (4) must be at most maxDigits (2)",
    );
  });

  it("describes every task from light data", () => {
    expect(describeTasks().map((d) => d.name)).toEqual(taskDefinitions.map((info) => info.name));
    expect(describeTasks().map((d) => d.recommended)).toEqual(taskDefinitions.map((info) => info.recommended));
  });

  // The model side of each preset (it exists, fits the heads, its hyperparameters parse) is checked in apps/web's
  // catalog test: this package may not depend on @seqlab/models (STYLE.md's arrows; models already depends on it).
  it.each(taskDefinitions.map((info) => [info.name, info] as const))(
    "recommends for %s training settings that parse strictly and a one-sentence why",
    (_name, info) => {
      const { training, why, model } = info.recommended;
      const parsed = TrainingSettings.safeParse(training);
      expect(parsed.error?.issues ?? []).toEqual([]);
      // A preset that only restates the defaults would not be a recommendation.
      expect(Object.keys(training).length).toBeGreaterThan(0);
      expect(model).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
      expect(why).toMatch(/^[a-z].*[^.]\.$/s);
      expect(why.replace(/\b(?:e\.g|i\.e|vs)\./g, "").match(/\.(\s|$)/g)).toHaveLength(1);
    },
  );

  it("is the package's ./catalog export", () => {
    const manifest = JSON.parse(readFileSync(join(packageRoot, "package.json"), "utf8")) as {
      exports: Record<string, string>;
    };
    expect(join(packageRoot, manifest.exports["./catalog"]!)).toBe(lightEntry);
  });

  // A fresh process, because this test file itself imports the full catalog.
  it("loads no generator, renderer, font, synthesizer, PNG or TensorFlow module", () => {
    const { resolved, loaded } = modulesLoadedBy("@seqlab/datasets/catalog");
    expect(resolved).toBe(lightEntry);
    // The light modules themselves were seen, so an empty or wrong list cannot pass by accident.
    expect(loaded).toContain(lightEntry);
    expect(loaded.filter((file) => file.endsWith("-definition.ts"))).toHaveLength(taskDefinitions.length);
    const heavy = loaded.filter((file) => HEAVY_MODULES.some((fragment) => file.includes(fragment)));
    expect(heavy).toEqual([]);
  }, 30_000);
});
