import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";

const repoRoot = path.resolve(__dirname, "../../../..");
const packageRoot = path.resolve(__dirname, "../..");

/** The web server converts checkpoints on download through this entry: it must not load TensorFlow.js. */
describe("@seqlab/models/export stays light", () => {
  test("the package exports ./export as this folder's index", () => {
    const manifest = JSON.parse(readFileSync(path.join(packageRoot, "package.json"), "utf8")) as {
      exports: Record<string, string>;
    };
    expect(path.resolve(packageRoot, manifest.exports["./export"] as string)).toBe(path.join(__dirname, "index.ts"));
  });

  // A fresh Node process, as in model-definitions.test.ts (Jest's registry may already hold tfjs): up to 30 s
  // because other Jest workers share the 2 cores.
  test("loading it pulls in no TensorFlow.js and no layer, trainer or builder", () => {
    const entry = path.join(__dirname, "index.ts");
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
    const ownSources = loaded
      .filter((p) => p.startsWith(path.join(packageRoot, "src") + path.sep))
      .map((p) => path.relative(packageRoot, p))
      .sort();
    expect(ownSources).toEqual([
      "src/checkpoint.ts",
      "src/ctc/line-recognizer-hyperparameters.ts",
      "src/export/checkpoint-export-error.ts",
      "src/export/index.ts",
      "src/export/little-endian.ts",
      "src/export/safetensors.ts",
      "src/export/tfjs-layers.ts",
      "src/head-mode.ts",
      "src/model-definitions.ts",
      "src/model-lookup.ts",
      "src/seq2seq/seq2seq-hyperparameters.ts",
      "src/wavenet/wavenet-hyperparameters.ts",
    ]);
  }, 30_000);
});
