import { z } from "zod";
import type * as tf from "@tensorflow/tfjs";
import { buildLineRecognizer, LineRecognizerHyperparameters } from "./ctc";
import type { NamedVariable } from "./layers/recurrent-cell";
import { buildSeq2Seq, Seq2SeqHyperparameters } from "./seq2seq";
import { RecurrentNetwork, type CellKind } from "./training/recurrent-network";
import type { HeadKind, ModelDefinition, ModelIO } from "./types";
import { buildWaveNet, WaveNetHyperparameters } from "./wavenet";
import type { SequenceModel } from "./wavenet";

/** Tensors of one batch as every model consumes them (built by the trainer). */
export interface PreparedInputs {
  /** [B, T, I] */
  inputs: tf.Tensor3D;
  /** Time-major step mask [T, B, 1]; null when every sample has full length. */
  stepMask: tf.Tensor3D | null;
  /** Teacher-forcing decoder inputs (one-hot start token then targets shifted right) [B, L, outputSize]. */
  decoderInputs?: tf.Tensor3D;
  /** Real input length per sample. */
  inputLengths: Int32Array;
  /** Class targets [B * L] (classes tasks only): teacher forcing for ./seq2seq. */
  targetIds?: Int32Array;
}

/** What the trainer needs from a built model: its weights and a forward pass producing [B, L, outputSize]. */
export interface TrainableModel {
  readonly weights: NamedVariable[];
  /** Raw outputs; `dropoutKey` null means inference (no dropout), else it names this step's dropout stream. */
  forward(batch: PreparedInputs, dropoutKey: string | null): tf.Tensor3D;
  /** One-to-many models only. */
  sample?(conditioning: Float32Array, batch: number, temperature: number, steps: number, seed: number): Int32Array;
  /** Output steps that carry data for the given input lengths (CTC input lengths); default: the input lengths. */
  outputLengths?(inputLengths: Int32Array): Int32Array;
  dispose(): void;
}

/** Wraps a builder result of the sibling folders (./wavenet's model contract) as a TrainableModel. */
function fromSequenceModel(
  model: SequenceModel & { outputLengths?(lengths: ArrayLike<number>): Int32Array },
): TrainableModel {
  const weights = model.variables.map((variable, i) => ({ name: model.variableNames[i] ?? `weight${i}`, variable }));
  return {
    weights,
    forward(batch, dropoutKey) {
      return model.forward(batch.inputs, {
        training: dropoutKey !== null,
        inputLengths: batch.inputLengths,
        ...(batch.targetIds ? { targets: batch.targetIds } : {}),
      });
    },
    ...(model.outputLengths
      ? {
          outputLengths: (lengths: Int32Array) =>
            (model.outputLengths as (l: ArrayLike<number>) => Int32Array)(lengths),
        }
      : {}),
    dispose: () => model.dispose(),
  };
}

/** A catalog entry plus its builder (kept out of `ModelDefinition` so the dashboard can import definitions only). */
export interface ModelEntry extends ModelDefinition {
  build(hyperparameters: Record<string, unknown>, io: ModelIO, head: HeadKind, seed: number): TrainableModel;
}

/** Upper bounds keep one training step well under a second on wasm and a checkpoint small; each is a sanity cap. */
const common = {
  units: z.number().int().min(1).max(1024).default(128).describe("Hidden units per direction"),
  layers: z.number().int().min(1).max(8).default(1).describe("Stacked recurrent layers"),
  dropout: z.number().min(0).max(0.9).default(0).describe("Dropout between stacked layers (not inside the recurrence)"),
};
const gated = {
  recurrentActivation: z
    .enum(["sigmoid", "hardSigmoid"])
    .default("sigmoid")
    .describe("Gate nonlinearity; hardSigmoid reproduces tfjs-layers' default, sigmoid is PyTorch's and Keras 2's"),
};
const lstmOnly = {
  unitForgetBias: z.boolean().default(true).describe("Start the forget-gate bias at 1 (Jozefowicz et al. 2015)"),
};

const rnnSchema = z.strictObject({ ...common });
const lstmSchema = z.strictObject({ ...common, ...gated, ...lstmOnly });
const gruSchema = z.strictObject({ ...common, ...gated });
const bilstmSchema = z.strictObject({
  ...common,
  ...gated,
  ...lstmOnly,
  merge: z
    .enum(["concat", "sum"])
    .default("concat")
    .describe("How the two directions combine: concat doubles the width, sum keeps it"),
});

const causalHeads: HeadKind[] = ["classification", "regression", "forecast", "tagging", "ctc", "generation"];
const bidirectionalHeads: HeadKind[] = ["classification", "regression", "forecast", "tagging", "ctc"];

function recurrentEntry(
  name: string,
  title: string,
  description: string,
  cell: CellKind,
  bidirectional: boolean,
  schema: z.ZodObject,
  heads: HeadKind[],
): ModelEntry {
  return {
    name,
    title,
    description,
    heads,
    hyperparameters: schema,
    build(h, io, head, seed) {
      return new RecurrentNetwork(
        {
          cell,
          bidirectional,
          units: h.units as number,
          layers: h.layers as number,
          dropout: h.dropout as number,
          recurrentActivation: (h.recurrentActivation as "sigmoid" | "hardSigmoid" | undefined) ?? "sigmoid",
          unitForgetBias: (h.unitForgetBias as boolean | undefined) ?? true,
          merge: (h.merge as "concat" | "sum" | undefined) ?? "concat",
          outputBias: cell !== "rnn",
        },
        io,
        head,
        seed,
      );
    },
  };
}

const entries: ModelEntry[] = [
  recurrentEntry(
    "rnn",
    "Vanilla RNN",
    "Elman network: h = tanh(W_hh h + W_xh x + b), y = W_hy h. Short memory; vanishing gradients beyond a few dozen steps.",
    "rnn",
    false,
    rnnSchema,
    causalHeads,
  ),
  recurrentEntry(
    "lstm",
    "LSTM",
    "Long short-term memory with input, forget and output gates (sigmoid gates, orthogonal recurrent init).",
    "lstm",
    false,
    lstmSchema,
    causalHeads,
  ),
  recurrentEntry(
    "gru",
    "GRU",
    "Gated recurrent unit, PyTorch/cuDNN formulation (reset gate applied after the recurrent matMul).",
    "gru",
    false,
    gruSchema,
    causalHeads,
  ),
  recurrentEntry(
    "bilstm",
    "Bidirectional LSTM",
    "Two LSTMs reading the sequence in opposite directions, merged by concatenation or sum. Sees the whole input: not for generation.",
    "lstm",
    true,
    bilstmSchema,
    bidirectionalHeads,
  ),
  {
    name: "wavenet",
    title: "WaveNet (dilated causal convolutions)",
    description:
      "Stack of gated, dilated causal convolutions with residual and skip connections; no recurrence, so all steps train in parallel.",
    heads: ["classification", "regression", "forecast", "tagging", "ctc"],
    hyperparameters: WaveNetHyperparameters,
    build: (h, io, _head, seed) => fromSequenceModel(buildWaveNet(h, io, { seed })),
  },
  {
    name: "seq2seq-attention",
    title: "Encoder-decoder with attention",
    description: "Recurrent encoder and decoder with Bahdanau or Luong attention, trained with teacher forcing.",
    heads: ["seq2seq"],
    hyperparameters: Seq2SeqHyperparameters,
    build: (h, io, _head, seed) => fromSequenceModel(buildSeq2Seq(h, io, { seed })),
  },
  {
    name: "cnn-bilstm-ctc",
    title: "CNN + BiLSTM + CTC line recogniser",
    description:
      "Column convolution and sliding windows feeding a bidirectional LSTM, trained with CTC (FSDL's LineCNNLSTM).",
    heads: ["ctc"],
    hyperparameters: LineRecognizerHyperparameters,
    build: (h, io, _head, seed) => fromSequenceModel(buildLineRecognizer(h, io, { seed })),
  },
];

/** Every model the platform offers (definitions plus builders). */
export const modelCatalog: ModelEntry[] = entries;

/** Adds an entry (used for models built in sibling folders); names must be unique. */
export function registerModel(entry: ModelEntry): void {
  if (modelCatalog.some((e) => e.name === entry.name)) throw new Error(`model "${entry.name}" is already registered`);
  modelCatalog.push(entry);
}

/** The catalog entry for `name`; throws listing the known names when there is none. */
export function getModelDefinition(name: string): ModelEntry {
  const entry = modelCatalog.find((e) => e.name === name);
  if (!entry) throw new Error(`Unknown model "${name}". Known models: ${modelCatalog.map((e) => e.name).join(", ")}`);
  return entry;
}

/** Models that can drive at least one of the task's heads, in catalog order. */
export function compatibleModels(heads: HeadKind[]): ModelEntry[] {
  return modelCatalog.filter((e) => e.heads.some((h) => heads.includes(h)));
}

/**
 * Why `model` cannot be trained on a task with `taskHeads`, or null when one of its heads fits. One message for the
 * API's validation and the worker's re-check.
 */
export function headMismatch(model: ModelDefinition, dataset: string, taskHeads: readonly HeadKind[]): string | null {
  if (model.heads.some((h) => taskHeads.includes(h))) return null;
  return `model "${model.name}" (heads: ${model.heads.join(", ")}) does not fit dataset "${dataset}" (heads: ${taskHeads.join(", ")})`;
}

/** Parses raw hyperparameters with the entry's schema; the error names every offending field. */
export function parseHyperparameters(entry: ModelDefinition, raw: unknown): Record<string, unknown> {
  const result = entry.hyperparameters.safeParse(raw ?? {});
  if (result.success) return result.data as Record<string, unknown>;
  const problems = result.error.issues.map((issue) => {
    const keys = "keys" in issue && Array.isArray(issue.keys) ? (issue.keys as string[]).join(", ") : "";
    const field = issue.path.length > 0 ? issue.path.join(".") : keys || "(root)";
    return `${field}: ${issue.message}`;
  });
  return invalid(entry.name, problems);
}

function invalid(model: string, problems: string[]): never {
  throw new Error(`Invalid hyperparameters for model "${model}": ${problems.join("; ")}`);
}
