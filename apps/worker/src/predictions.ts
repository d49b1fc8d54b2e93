import {
  MAX_PREDICTION_SAMPLES,
  type PredictionInputs,
  type PredictionSample,
  type PredictionsSnapshot,
} from "@seqlab/contracts";
import {
  argmaxPath,
  attentionMatrix,
  classLabel,
  ctcGreedy,
  getTask,
  sampleClass,
  type Batch,
  type ModelOutput,
  type TaskInstance,
} from "@seqlab/datasets";
import { ctcBeamSearchDecodeValues, editDistance, Random, type SequenceTrainer } from "@seqlab/models";
import { freeRunningOutput } from "./free-running";

/** Temperatures of the char-lm continuations: a conservative and a free one, as in Karpathy's char-rnn samples. */
const LM_TEMPERATURES = [0.5, 1];
/** char-lm: continuations of the first samples only (all rows share one forward pass per generated token). */
const LM_SAMPLES = 2;
const LM_PROMPT = 24;
const LM_CONTINUATION = 40;
const BEAM_WIDTH = 8;

/** The rows `[row, row + 1)` of every field of a batch (each field is row-major by sample). */
function rowOf(batch: Batch, row: number): Batch {
  const take = <T extends Float32Array | Int32Array>(a: T): T => {
    const stride = a.length / batch.size;
    return a.slice(row * stride, (row + 1) * stride) as T;
  };
  return {
    size: 1,
    inputs: take(batch.inputs),
    targets: take(batch.targets),
    inputLengths: take(batch.inputLengths),
    targetLengths: take(batch.targetLengths),
    inputMask: take(batch.inputMask),
    targetMask: take(batch.targetMask),
  };
}

function outputRow(output: ModelOutput, row: number): ModelOutput {
  const [size, steps, width] = output.shape;
  const stride = output.values.length / size;
  return { values: output.values.slice(row * stride, (row + 1) * stride), shape: [1, steps, width] };
}

function round(values: ArrayLike<number>): number[] {
  return Array.from(values, (v) => (Number.isFinite(v) ? Math.round(v * 1e5) / 1e5 : 0));
}

/** Everything a sample's row shows, before the task-specific parts. */
function baseSample(task: TaskInstance, batch: Batch, output: ModelOutput, index: number, target: string) {
  const headline = getTask(task.name).metric.name;
  const value = task.metrics(rowOf(batch, index), outputRow(output, index))[headline];
  return {
    index,
    input: {},
    target,
    prediction: "",
    ...(value !== undefined && Number.isFinite(value) ? { score: { key: headline, value } } : {}),
  } satisfies PredictionSample;
}

/** CTC: greedy and beam decodings (over the frames that carry data), their CERs, and the argmax alignment. */
function ctcSample(task: TaskInstance, batch: Batch, output: ModelOutput, s: number, target: string): PredictionSample {
  const row = outputRow(output, s);
  const [, frames, classes] = row.shape;
  const blank = task.spec.blank ?? 0;
  // Convolutional front ends downsample time: the frames that carry data scale with the input length.
  const used = Math.max(1, Math.min(frames, Math.round((batch.inputLengths[s]! * frames) / task.spec.inputLength)));
  const { ids: greedy, path } = ctcGreedy(row.values, used, classes, blank);
  const reference = Array.from(
    batch.targets.subarray(s * task.spec.targetLength, s * task.spec.targetLength + batch.targetLengths[s]!),
  );
  const cer = (ids: number[]) => editDistance(ids, reference) / Math.max(1, reference.length);
  const beamIds = ctcBeamSearchDecodeValues(row.values.subarray(0, used * classes), [1, used, classes], [used], {
    blank,
    beamWidth: BEAM_WIDTH,
  })[0]!;
  const decode = (ids: number[]) => task.decodeTarget?.(ids) ?? ids.join(" ");
  return {
    ...baseSample(task, batch, output, s, target),
    prediction: decode(greedy),
    score: { key: "cer", value: cer(greedy) },
    beam: { text: decode(beamIds), cer: cer(beamIds) },
    alignment: path.map((id) => classLabel(task, id)),
  };
}

/**
 * char-lm: openings continued one token at a time, each row sampling the next-character distribution at its end at
 * its own temperature, every row in one batch (one forward pass per generated token). A causal model's output at
 * step t sees inputs 0..t only, so the padding after the text cannot leak in. Seeded, so a resumed run logs the
 * same text. Every prompt has the same length.
 */
async function continueTexts(
  task: TaskInstance,
  trainer: SequenceTrainer,
  rows: readonly { prompt: number[]; temperature: number }[],
  random: Random,
): Promise<number[][]> {
  const { inputLength: T, inputFeatures: vocab, outputSize } = task.spec;
  const tokens = rows.map((r) => [...r.prompt]);
  const n = rows.length;
  for (let k = 0; k < LM_CONTINUATION && tokens[0]!.length < T; k++) {
    const inputs = new Float32Array(n * T * vocab);
    tokens.forEach((ids, r) => ids.forEach((id, t) => (inputs[(r * T + t) * vocab + id] = 1)));
    const batch: Batch = {
      size: n,
      inputs,
      targets: new Int32Array(n * T),
      inputLengths: new Int32Array(n).fill(T),
      targetLengths: new Int32Array(n).fill(T),
      inputMask: new Float32Array(n * T).fill(1),
      targetMask: new Float32Array(n * T).fill(1),
    };
    const output = await trainer.predict(batch);
    tokens.forEach((ids, r) => {
      const at = (r * T + ids.length - 1) * outputSize;
      const next = sampleClass(output.values.subarray(at, at + outputSize), rows[r]!.temperature, () => random.next());
      ids.push(next);
    });
  }
  return tokens.map((ids, r) => ids.slice(rows[r]!.prompt.length));
}

/**
 * What a run logs of its model's predictions at one evaluation: the first {@link MAX_PREDICTION_SAMPLES}
 * validation samples (the same ones each time, so a step slider compares like with like), predicted and explained
 * the way the task is read (see PredictionSample). `inputs` is what is stored once per run.
 */
export async function describePredictions(
  task: TaskInstance,
  trainer: SequenceTrainer,
  step: number,
  seed: number,
): Promise<{ snapshot: PredictionsSnapshot; inputs: PredictionInputs }> {
  const validation = task.split("validation");
  const count = Math.min(MAX_PREDICTION_SAMPLES, validation.size);
  const batch = validation.batch(0, count);
  const previews = task.preview(count, "validation");
  const head = trainer.head;
  const withAttention = head === "seq2seq" ? await trainer.predictWithAttention(batch) : null;
  const output = withAttention?.output ?? (await freeRunningOutput(task, trainer, batch));
  const { targetLength, inputLength, inputFeatures, outputSize, outputKind } = task.spec;
  const decode = (ids: number[]) => task.decodeTarget?.(ids) ?? ids.join(" ");

  const isLanguageModel =
    getTask(task.name).metric.name === "bpc" && inputFeatures === outputSize && head === "tagging";
  const random = new Random(seed * 1_000_003 + step);

  const samples: PredictionSample[] = [];
  for (let s = 0; s < count; s++) {
    const preview = previews[s]!;
    if (head === "ctc") {
      samples.push(ctcSample(task, batch, output, s, preview.target));
      continue;
    }
    const sample: PredictionSample = baseSample(task, batch, output, s, preview.target);
    const row = outputRow(output, s);
    if (outputKind === "regression") {
      const steps = batch.targetLengths[s]!;
      const values = round(row.values.subarray(0, steps * outputSize));
      sample.prediction = values.map((v) => v.toFixed(3)).join(", ");
      if (preview.series) sample.forecast = { truth: round(preview.series.target), prediction: values };
    } else {
      const ids = argmaxPath(row.values, head === "seq2seq" ? targetLength : batch.targetLengths[s]!, outputSize);
      sample.prediction = decode(ids);
      if (withAttention) {
        const [, rows, cols] = withAttention.attention.shape;
        const weights = withAttention.attention.values.subarray(s * rows * cols, (s + 1) * rows * cols);
        sample.attention = attentionMatrix(task, weights, { rows, cols }, ids, preview.input, batch.inputLengths[s]!);
      }
    }
    samples.push(sample);
  }
  if (isLanguageModel) {
    const prompted = samples.slice(0, LM_SAMPLES).map((sample) => ({
      sample,
      prompt: argmaxTokens(batch, sample.index, inputLength, inputFeatures).slice(0, LM_PROMPT),
    }));
    const rows = prompted.flatMap(({ prompt }) => LM_TEMPERATURES.map((temperature) => ({ prompt, temperature })));
    if (rows.length > 0 && rows.every((r) => r.prompt.length === LM_PROMPT)) {
      const texts = await continueTexts(task, trainer, rows, random);
      prompted.forEach(({ sample, prompt }, i) => {
        sample.continuations = LM_TEMPERATURES.map((temperature, j) => ({
          temperature,
          prompt: decode(prompt),
          text: decode(texts[i * LM_TEMPERATURES.length + j]!),
        }));
      });
    }
  }
  const inputs: PredictionInputs = {
    samples: previews.slice(0, count).map((p, index) => ({
      index,
      text: p.input,
      ...(p.pngBase64 ? { pngBase64: p.pngBase64 } : {}),
      ...(p.series ? { series: round(p.series.input) } : {}),
    })),
  };
  return { snapshot: { step, task: task.name, samples }, inputs };
}

/** The token ids of a one-hot input row, over its real steps. */
function argmaxTokens(batch: Batch, s: number, inputLength: number, features: number): number[] {
  const steps = batch.inputLengths[s]!;
  const base = s * inputLength * features;
  return argmaxPath(batch.inputs.subarray(base, base + steps * features), steps, features);
}
