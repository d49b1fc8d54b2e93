import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createTask } from "@seqlab/datasets";
import { build, type Metafile } from "esbuild";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "@seqlab/launcher/browser";
import type * as tfjs from "@tensorflow/tfjs";
import {
  createTrainer,
  initBackend,
  readCheckpointMeta,
  type CheckpointMeta,
  type ModelIO,
  type TrainingBatch,
} from "../src";
import type * as BrowserEntry from "../src/browser";

/**
 * A checkpoint saved in Node loads in a real Chromium with plain @tensorflow/tfjs (the bundle of
 * src/browser.ts) and predicts exactly what the Node trainer predicts. Both sides run tfjs's cpu backend, the same
 * JavaScript kernels on V8, so the float32 outputs are compared bit for bit, not to a tolerance.
 */

// Bundling tfjs (about 3 s) and launching Chromium dominate on the shared 2-core machine; 120 s leaves room for load.
jest.setTimeout(120_000);

const packageRoot = path.resolve(__dirname, "..");
// Node globals a browser lacks; the page traps them to catch the bundle installing shims for any of them.
const nodeGlobals = [
  "process",
  "Buffer",
  "require",
  "module",
  "exports",
  "global",
  "__filename",
  "__dirname",
  "setImmediate",
];
// Node built-ins that @tensorflow/tfjs itself maps to empty modules through its package.json "browser" field; the
// bundle may contain these stubs and nothing else from Node.
const stubbedByTfjs = new Set(["fs", "util", "crypto", "node-fetch", "string_decoder"]);
// Three steps move every weight and the Adam moments away from their initial values, so a checkpoint that
// silently lost its weights would predict differently.
const trainSteps = 3;

interface PageResult {
  backend: string;
  meta: CheckpointMeta;
  headerMeta: CheckpointMeta;
  head: string;
  values: string;
  shape: number[];
  inputsOnlyValues: string;
  tensorsBefore: number;
  tensorsAfter: number;
  globalsBefore: Record<string, string>;
  trapped: { read: string[]; written: string[] };
}

let bundleDir: string;
let bundlePath: string;
let metafile: Metafile;
let browser: Browser;
const pageErrors: string[] = [];

beforeAll(async () => {
  // cpu on the Node side too: the page runs tfjs's cpu backend, and only the same kernels give identical bits.
  await initBackend({ prefer: "cpu", strict: true });
  bundleDir = fs.mkdtempSync(path.join(os.tmpdir(), "seqlab-browser-"));
  bundlePath = path.join(bundleDir, "seqlab-models.js");
  // src/browser.ts re-exports tf, so the page sets the backend on the very tfjs instance the model uses.
  const result = await build({
    stdin: {
      contents: 'export * from "./src/browser";\n',
      resolveDir: packageRoot,
      loader: "ts",
      sourcefile: "page-entry.ts",
    },
    bundle: true,
    platform: "browser",
    format: "iife",
    globalName: "seqlabModels",
    target: "es2020",
    minify: true,
    metafile: true,
    outfile: bundlePath,
    logLevel: "silent",
  });
  metafile = result.metafile;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  if (bundleDir) fs.rmSync(bundleDir, { recursive: true, force: true });
});

describe("the browser bundle", () => {
  it("contains no Node built-in beyond tfjs's own browser stubs, and none of seqlab's Node-only modules", () => {
    const inputs = Object.keys(metafile.inputs);
    const nodeInputs = inputs.filter((i) => i.startsWith("node:") || i.startsWith("(disabled):"));
    const disabled = nodeInputs.map((i) =>
      i.startsWith("(disabled):") ? moduleName(i.slice("(disabled):".length)) : i,
    );
    expect(disabled.filter((name) => !stubbedByTfjs.has(name))).toEqual([]);
    const seqlab = inputs.filter((i) => i.includes("packages/models/src/") || i.startsWith("src/"));
    expect(seqlab.length).toBeGreaterThan(0);
    expect(seqlab.filter((i) => /backend\/|src\/index\.ts$/.test(i))).toEqual([]);
  });
});

describe.each([
  { model: "lstm", hyperparameters: { units: 16, layers: 2 } },
  { model: "rnn", hyperparameters: { units: 16 } },
  { model: "gru", hyperparameters: { units: 16 } },
])("a $model checkpoint saved in Node", ({ model, hyperparameters }) => {
  it("loads in Chromium with plain tfjs and predicts the same values bit for bit", async () => {
    const task = createTask("adding", { length: 10 }, 1);
    const io = task.spec as ModelIO;
    const train = task.split("train");
    const trainer = await createTrainer({
      model,
      hyperparameters,
      io,
      optimizer: { name: "adam", learningRate: 0.01, clipNorm: 1 },
      seed: 7,
    });
    for (let i = 0; i < trainSteps; i++) await trainer.trainStep(train.batch(i * 8, 8));
    const checkpoint = await trainer.saveCheckpoint({ batchIndex: trainSteps });
    const batch: TrainingBatch = task.split("test").batch(0, 8);
    // The inputs-only call below relies on the defaults of an unpadded batch; the adding task at a fixed length is one.
    expect(Array.from(batch.inputMask).every((m) => m === 1)).toBe(true);
    const expected = await trainer.predict(batch);
    const nodeMeta = readCheckpointMeta(checkpoint);
    trainer.dispose();

    const page = await browser.newPage();
    page.on("pageerror", (error) => pageErrors.push(`${model}: ${error.message}`));
    try {
      const result = await runInPage(page, checkpoint, batch);

      expect(pageErrors).toEqual([]);
      expect(result.backend).toBe("cpu");
      expect(result.globalsBefore).toEqual(Object.fromEntries(nodeGlobals.map((g) => [g, "undefined"])));
      expect(result.trapped.written).toEqual([]);

      expect(result.meta).toEqual(nodeMeta);
      expect(result.headerMeta).toEqual(nodeMeta);
      expect(result.meta.model).toBe(model);
      expect(result.meta.step).toBe(trainSteps);
      expect(result.meta.hyperparameters).toEqual(expect.objectContaining(hyperparameters));
      expect(result.meta.extra).toEqual({ batchIndex: trainSteps });
      expect(result.head).toBe("regression");

      const actual = fromBase64Float32(result.values);
      expect(result.shape).toEqual(expected.shape);
      expect(actual.length).toBe(expected.values.length);
      const diff = maxAbsDiff(actual, expected.values);
      // Tolerance 0: identical kernels on identical bytes. Bytes are compared too, so -0 vs 0 or NaN payloads count.
      expect(diff).toBe(0);
      expect(
        Buffer.from(actual.buffer).equals(
          Buffer.from(expected.values.buffer, expected.values.byteOffset, expected.values.byteLength),
        ),
      ).toBe(true);
      expect(fromBase64Float32(result.inputsOnlyValues)).toEqual(actual);
      expect(result.tensorsAfter).toBe(result.tensorsBefore);
      process.stdout.write(
        `[browser-checkpoint] ${model}: ${checkpoint.length} B checkpoint, outputs [${result.shape}], max |node - browser| = ${diff}, ` +
          `bundle ${fs.statSync(bundlePath).size} B, Node globals probed by the bundle: ${result.trapped.read.join(", ") || "none"}\n`,
      );
    } finally {
      await page.close();
    }
  });
});

/** Loads the bundle into a blank page and predicts there; everything crosses the boundary as base64 strings. */
async function runInPage(page: Page, checkpoint: Uint8Array, batch: TrainingBatch): Promise<PageResult> {
  await page.setContent("<!doctype html><html><head><title>seqlab checkpoint</title></head><body></body></html>");
  const globalsBefore = await page.evaluate((names) => {
    const g = globalThis as unknown as Record<string, unknown>;
    const before = Object.fromEntries(names.map((n) => [n, typeof g[n]]));
    // Accessors instead of absent names: reads (tfjs's guarded environment probes) are recorded, writes (a
    // polyfill installing itself) are recorded and refused, and either way the value stays undefined.
    const trapped = { read: [] as string[], written: [] as string[] };
    for (const name of names) {
      Object.defineProperty(g, name, {
        configurable: true,
        get: () => {
          if (!trapped.read.includes(name)) trapped.read.push(name);
          return undefined;
        },
        set: () => {
          trapped.written.push(name);
        },
      });
    }
    Object.defineProperty(g, "__nodeGlobalTraps", { value: trapped });
    return before;
  }, nodeGlobals);
  await page.addScriptTag({ path: bundlePath });
  const result = await page.evaluate(
    async ({ checkpointBase64, size, inputs, inputMask, inputLengths, targets, targetLengths, targetMask }) => {
      const decode = (b64: string): Uint8Array => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const encode = (values: Float32Array): string => {
        const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
        let s = "";
        for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i] as number);
        return btoa(s);
      };
      const f32 = (b64: string) => new Float32Array(decode(b64).buffer);
      const i32 = (b64: string) => new Int32Array(decode(b64).buffer);
      const g = globalThis as unknown as {
        __nodeGlobalTraps: { read: string[]; written: string[] };
        seqlabModels: typeof BrowserEntry & { tf: typeof tfjs };
      };
      const { tf, loadCheckpointForInference, readCheckpointMeta } = g.seqlabModels;
      await tf.setBackend("cpu");
      await tf.ready();
      const tensorsBefore = tf.memory().numTensors;
      const bytes = decode(checkpointBase64);
      const model = await loadCheckpointForInference(bytes);
      const full = await model.predict({
        size,
        inputs: f32(inputs),
        inputMask: f32(inputMask),
        inputLengths: i32(inputLengths),
        targets: f32(targets),
        targetLengths: i32(targetLengths),
        targetMask: f32(targetMask),
      });
      const inputsOnly = await model.predict({ size, inputs: f32(inputs) });
      model.dispose();
      return {
        backend: tf.getBackend(),
        meta: model.meta,
        headerMeta: readCheckpointMeta(bytes),
        head: model.head,
        values: encode(full.values),
        shape: [...full.shape],
        inputsOnlyValues: encode(inputsOnly.values),
        tensorsBefore,
        tensorsAfter: tf.memory().numTensors,
        trapped: g.__nodeGlobalTraps,
      };
    },
    {
      checkpointBase64: base64(checkpoint),
      size: batch.size,
      inputs: base64(batch.inputs),
      inputMask: base64(batch.inputMask),
      inputLengths: base64(batch.inputLengths),
      targets: base64(batch.targets),
      targetLengths: base64(batch.targetLengths),
      targetMask: base64(batch.targetMask),
    },
  );
  return { ...result, globalsBefore };
}

function base64(values: ArrayBufferView): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString("base64");
}

function fromBase64Float32(b64: string): Float32Array {
  const bytes = Buffer.from(b64, "base64");
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return max;
}

/** "../../node_modules/node-fetch/browser.js" -> "node-fetch"; a bare "util" stays "util". */
function moduleName(input: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  return match ? (match[1] as string) : input;
}
