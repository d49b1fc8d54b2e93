/**
 * The checkpoint playground: a run's checkpoint, loaded into the page with TensorFlow.js, answering what a person
 * types or draws. Bundled on its own (scripts/build-playground.mjs) and loaded only by the playground page, so
 * the rest of the dashboard never ships tfjs. The task is rebuilt in the page from the run's dataset params and
 * seed (its codecs, its test lines), and the outputs are read with the same readers as the worker's predictions.
 */
import {
  argmaxPath,
  attentionMatrix,
  classLabel,
  createTask,
  ctcGreedy,
  sampleClass,
  untilEnd,
  type TaskInstance,
} from "@seqlab/datasets";
import { loadCheckpointForInference, tf, type InferenceModel } from "@seqlab/models/browser";

export { tf };

/** WebGL when the browser has it, else the CPU backend; returns the one in use. */
export async function useFastestBackend(): Promise<string> {
  try {
    if (!(await tf.setBackend("webgl"))) await tf.setBackend("cpu");
  } catch {
    await tf.setBackend("cpu");
  }
  await tf.ready();
  return tf.getBackend();
}

/** What the playground can do with a task's model. */
export type PlaygroundKind = "translation" | "char-lm" | "line-image" | "unsupported";

export interface PlaygroundRun {
  dataset: string;
  datasetParams: Record<string, unknown>;
  seed: number;
}

export interface Playground {
  readonly kind: PlaygroundKind;
  /** Model name and the step its weights are from. */
  readonly model: string;
  readonly step: number;
  /** translation: the source typed, the model's output and its attention (output tokens x source characters). */
  translate(text: string): Promise<{
    output: string;
    attention: { rows: number; cols: number; values: number[]; rowLabels: string[]; colLabels: string[] };
  }>;
  /**
   * char-lm: `length` characters after `prompt`, sampled at `temperature` (0: greedy), seeded. `onProgress` gets
   * the text so far after each character (one forward pass each), so a page can show it grow.
   */
  continueText(
    prompt: string,
    temperature: number,
    length: number,
    seed: number,
    onProgress?: (text: string) => void,
  ): Promise<string>;
  /** A few inputs to start from: test sources (translation) or openings (char-lm); empty for images. */
  examples(): string[];
  /** line-image tasks: the image's size (columns are time steps, rows are features). */
  readonly image: { width: number; height: number } | null;
  /** line-image tasks: test line `index` of the task (ink 0..1, column-major as the model reads it) and its text. */
  testLine(index: number): { pixels: Float32Array; text: string };
  /** line-image tasks: greedy CTC decoding of a line and the argmax label of each output frame. */
  readLine(pixels: Float32Array): Promise<{ text: string; alignment: string[] }>;
  dispose(): void;
}

function kindOf(task: TaskInstance, model: InferenceModel): PlaygroundKind {
  if (model.head === "ctc" && task.spec.outputKind === "classes") return "line-image";
  if (model.head === "seq2seq" && task.encodeInput) return "translation";
  if (task.encodeInput && task.spec.inputFeatures === task.spec.outputSize) return "char-lm";
  return "unsupported";
}

/** One-hot rows of token ids in a [1, T, features] input, with the mask over the real steps. */
function oneHot(ids: readonly number[], steps: number, features: number) {
  if (ids.length > steps) throw new Error(`at most ${steps} characters fit this model; got ${ids.length}`);
  const inputs = new Float32Array(steps * features);
  const inputMask = new Float32Array(steps);
  ids.forEach((id, t) => {
    inputs[t * features + id] = 1;
    inputMask[t] = 1;
  });
  return { size: 1, inputs, inputMask, inputLengths: Int32Array.of(Math.max(1, ids.length)) };
}

/** A small seeded generator (mulberry32), so a continuation is the same for the same seed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Loads a checkpoint's bytes for the run's task; the page has set the tfjs backend first. */
export async function createPlayground(bytes: Uint8Array, run: PlaygroundRun): Promise<Playground> {
  const model = await loadCheckpointForInference(bytes);
  let task: TaskInstance;
  try {
    task = createTask(run.dataset, run.datasetParams, run.seed);
  } catch (error) {
    model.dispose();
    throw error;
  }
  const { inputLength, inputFeatures, outputSize, targetLength } = task.spec;
  const kind = kindOf(task, model);
  const imageHeight = inputFeatures;
  const need = (wanted: PlaygroundKind) => {
    if (kind !== wanted)
      throw new Error(`this run's model (${model.meta.model} on ${task.name}) is not a ${wanted} model`);
  };
  return {
    kind,
    model: model.meta.model,
    step: model.meta.step,
    image: kind === "line-image" ? { width: inputLength, height: imageHeight } : null,

    examples() {
      if (kind === "translation") return task.preview(4, "test").map((p) => p.input);
      if (kind === "char-lm") return task.preview(4, "test").map((p) => p.input.slice(0, 24));
      return [];
    },

    async translate(text) {
      need("translation");
      const ids = task.encodeInput!(text);
      const result = await model.predictWithAttention(oneHot(ids, inputLength, inputFeatures));
      if (!result) throw new Error(`${model.meta.model} has no attention`);
      const out = argmaxPath(result.output.values, targetLength, outputSize);
      const [, rows, cols] = result.attention.shape;
      return {
        output: task.decodeTarget?.(untilEnd(out, task.spec.specialTokens?.end)) ?? out.join(" "),
        attention: attentionMatrix(task, result.attention.values, { rows, cols }, out, text, ids.length),
      };
    },

    async continueText(prompt, temperature, length, seed, onProgress) {
      need("char-lm");
      const random = seeded(seed);
      const ids = task.encodeInput!(prompt);
      if (ids.length === 0) throw new Error("type a prompt of at least one character");
      const generated: number[] = [];
      for (let k = 0; k < length && ids.length < inputLength; k++) {
        const output = await model.predict(oneHot(ids, inputLength, inputFeatures));
        const at = (ids.length - 1) * outputSize;
        const next = sampleClass(output.values.subarray(at, at + outputSize), temperature, random);
        ids.push(next);
        generated.push(next);
        onProgress?.(task.decodeTarget?.(generated) ?? generated.join(" "));
      }
      return task.decodeTarget?.(generated) ?? generated.join(" ");
    },

    testLine(index) {
      need("line-image");
      const split = task.split("test");
      const batch = split.batch(index % split.size, 1);
      const text = task.decodeTarget?.(batch.targets.subarray(0, batch.targetLengths[0]!)) ?? "";
      return { pixels: batch.inputs.slice(0, inputLength * inputFeatures), text };
    },

    async readLine(pixels) {
      need("line-image");
      if (pixels.length !== inputLength * inputFeatures) {
        throw new Error(`a line is ${inputLength} x ${inputFeatures} pixels; got ${pixels.length} values`);
      }
      const output = await model.predict({ size: 1, inputs: pixels });
      const [, frames, classes] = output.shape;
      const { ids, path } = ctcGreedy(output.values, frames, classes, task.spec.blank ?? 0);
      return { text: task.decodeTarget?.(ids) ?? ids.join(" "), alignment: path.map((id) => classLabel(task, id)) };
    },

    dispose: () => model.dispose(),
  };
}
