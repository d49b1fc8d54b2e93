/**
 * @seqlab/models/catalog: every model's definition (name, title, description, heads, zod hyperparameter schema)
 * without its builder, so the dashboard can validate launch requests and render the launch form without loading
 * TensorFlow.js. This file and everything it imports use zod only (model-definitions.test.ts checks that no
 * `@tensorflow` module is loaded); the builders live in ./model-builders, which spreads these definitions.
 *
 * The lookups keep the names of the full entry's (`getModelDefinition`, `compatibleModels`): here they return
 * `ModelDefinition`, there `ModelEntry`, which extends it, so code written against this entry type-checks
 * unchanged against the full one.
 */
import { z } from "zod";
import { LineRecognizerHyperparameters } from "./ctc/line-recognizer-hyperparameters";
import { findModel, modelsForHeads } from "./model-lookup";
import { Seq2SeqHyperparameters } from "./seq2seq/seq2seq-hyperparameters";
import type { HeadKind, ModelDefinition } from "./types";
import { WaveNetHyperparameters } from "./wavenet/wavenet-hyperparameters";

export type { HeadKind, ModelDefinition } from "./types";

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

const rnnHyperparameters = z.strictObject({ ...common });
const lstmHyperparameters = z.strictObject({ ...common, ...gated, ...lstmOnly });
const gruHyperparameters = z.strictObject({ ...common, ...gated });
const bilstmHyperparameters = z.strictObject({
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

/** Keeps the literal name of a definition, so ./model-builders can key its builders by {@link BuiltInModelName}. */
function define<const N extends string>(definition: ModelDefinition & { name: N }): ModelDefinition & { name: N } {
  return definition;
}

const builtIn = [
  define({
    name: "rnn",
    recurrent: true,
    title: "Vanilla RNN",
    description:
      "Elman network: h = tanh(W_hh h + W_xh x + b), y = W_hy h. Short memory; vanishing gradients beyond a few dozen steps.",
    heads: causalHeads,
    hyperparameters: rnnHyperparameters,
  }),
  define({
    name: "lstm",
    recurrent: true,
    title: "LSTM",
    description:
      "Long short-term memory with input, forget and output gates (sigmoid gates, orthogonal recurrent init).",
    heads: causalHeads,
    hyperparameters: lstmHyperparameters,
  }),
  define({
    name: "gru",
    recurrent: true,
    title: "GRU",
    description: "Gated recurrent unit, PyTorch/cuDNN formulation (reset gate applied after the recurrent matMul).",
    heads: causalHeads,
    hyperparameters: gruHyperparameters,
  }),
  define({
    name: "bilstm",
    recurrent: true,
    title: "Bidirectional LSTM",
    description:
      "Two LSTMs reading the sequence in opposite directions, merged by concatenation or sum. Sees the whole input: not for generation.",
    heads: bidirectionalHeads,
    hyperparameters: bilstmHyperparameters,
  }),
  define({
    name: "wavenet",
    recurrent: false,
    title: "WaveNet (dilated causal convolutions)",
    description:
      "Stack of gated, dilated causal convolutions with residual and skip connections; no recurrence, so all steps train in parallel.",
    heads: ["classification", "regression", "forecast", "tagging", "ctc"],
    hyperparameters: WaveNetHyperparameters,
  }),
  define({
    name: "seq2seq-attention",
    recurrent: true,
    title: "Encoder-decoder with attention",
    description: "Recurrent encoder and decoder with Bahdanau or Luong attention, trained with teacher forcing.",
    heads: ["seq2seq"],
    hyperparameters: Seq2SeqHyperparameters,
  }),
  define({
    name: "cnn-bilstm-ctc",
    recurrent: true,
    title: "CNN + BiLSTM + CTC line recogniser",
    description:
      "Column convolution and sliding windows feeding a bidirectional LSTM, trained with CTC (FSDL's LineCNNLSTM).",
    heads: ["ctc"],
    hyperparameters: LineRecognizerHyperparameters,
  }),
];

/** Name of a model the platform ships; ./model-builders must provide a builder for each (checked by tsc). */
export type BuiltInModelName = (typeof builtIn)[number]["name"];

/** A shipped model's definition, its name narrowed to {@link BuiltInModelName}. */
export type BuiltInModelDefinition = ModelDefinition & { name: BuiltInModelName };

/**
 * Every model the platform ships, in catalog order: what the launch form lists. Models added at run time with the
 * full entry's `registerModel` are worker-side and do not appear here.
 */
export const modelDefinitions: BuiltInModelDefinition[] = builtIn;

/** The definition of `name`; throws `Unknown model "x". Known models: ...` when there is none. */
export function getModelDefinition(name: string): ModelDefinition {
  return findModel(modelDefinitions, name);
}

/** Models that can drive at least one of the task's heads, in catalog order. */
export function compatibleModels(heads: readonly HeadKind[]): ModelDefinition[] {
  return modelsForHeads(modelDefinitions, heads);
}

/**
 * Why `model` cannot be trained on a task with `taskHeads`, or null when one of its heads fits. One message for the
 * API's validation and the worker's re-check.
 */
export function headMismatch(model: ModelDefinition, dataset: string, taskHeads: readonly HeadKind[]): string | null {
  if (model.heads.some((h) => taskHeads.includes(h))) return null;
  return `model "${model.name}" (heads: ${model.heads.join(", ")}) does not fit dataset "${dataset}" (heads: ${taskHeads.join(", ")})`;
}

/** Parses raw hyperparameters with the entry's schema (defaults applied); the error names every offending field. */
export function parseHyperparameters(entry: ModelDefinition, raw: unknown): Record<string, unknown> {
  const result = entry.hyperparameters.safeParse(raw ?? {});
  if (result.success) return result.data as Record<string, unknown>;
  const problems = result.error.issues.map((issue) => {
    const keys = "keys" in issue && Array.isArray(issue.keys) ? (issue.keys as string[]).join(", ") : "";
    const field = issue.path.length > 0 ? issue.path.join(".") : keys || "(root)";
    return `${field}: ${issue.message}`;
  });
  throw new Error(`Invalid hyperparameters for model "${entry.name}": ${problems.join("; ")}`);
}
