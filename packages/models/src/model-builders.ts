/**
 * The full catalog: each shipped model's light definition (./model-definitions, the single source of its name,
 * heads and schema) plus its builder, which loads tfjs. Imported by the trainer and the worker, never by the dashboard.
 */
import type * as tf from "@tensorflow/tfjs";
import { buildLineRecognizer } from "./ctc";
import type { NamedVariable } from "./layers/recurrent-cell";
import { modelDefinitions, type BuiltInModelName } from "./model-definitions";
import { findModel, modelsForHeads } from "./model-lookup";
import { buildSeq2Seq, type Seq2SeqModel } from "./seq2seq";
import { RecurrentNetwork, type CellKind } from "./training/recurrent-network";
import type { HeadKind, ModelDefinition, ModelIO } from "./types";
import { buildWaveNet } from "./wavenet";
import type { SequenceModel } from "./wavenet";

export { headMismatch, parseHyperparameters } from "./model-definitions";

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
  /** Attention models only: `forward`'s logits and the attention weights [B, targetSteps, inputLength]. */
  forwardWithAttention?(batch: PreparedInputs): { logits: tf.Tensor3D; attention: tf.Tensor3D };
  dispose(): void;
}

/** Wraps a builder result of the sibling folders (./wavenet's model contract) as a TrainableModel. */
function fromSequenceModel(
  model: SequenceModel & {
    outputLengths?(lengths: ArrayLike<number>): Int32Array;
    forwardWithAttention?: Seq2SeqModel["forwardWithAttention"];
  },
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
    ...(model.forwardWithAttention
      ? {
          forwardWithAttention: (batch: PreparedInputs) =>
            (model.forwardWithAttention as Seq2SeqModel["forwardWithAttention"])(batch.inputs, {
              training: false,
              inputLengths: batch.inputLengths,
              ...(batch.targetIds ? { targets: batch.targetIds } : {}),
            }),
        }
      : {}),
    dispose: () => model.dispose(),
  };
}

/** A model definition plus its builder (kept out of `ModelDefinition` so the dashboard can import definitions only). */
export interface ModelEntry extends ModelDefinition {
  build(hyperparameters: Record<string, unknown>, io: ModelIO, head: HeadKind, seed: number): TrainableModel;
}

type ModelBuilder = ModelEntry["build"];

/** Builds the stacked (bi)recurrent network of ./training for the rnn, lstm, gru and bilstm definitions. */
function recurrentBuilder(cell: CellKind, bidirectional: boolean): ModelBuilder {
  return (h, io, head, seed) =>
    new RecurrentNetwork(
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
}

/** One builder per shipped model: keyed by {@link BuiltInModelName}, so tsc rejects a missing or unknown name. */
const builders: Record<BuiltInModelName, ModelBuilder> = {
  rnn: recurrentBuilder("rnn", false),
  lstm: recurrentBuilder("lstm", false),
  gru: recurrentBuilder("gru", false),
  bilstm: recurrentBuilder("lstm", true),
  wavenet: (h, io, _head, seed) => fromSequenceModel(buildWaveNet(h, io, { seed })),
  "seq2seq-attention": (h, io, _head, seed) => fromSequenceModel(buildSeq2Seq(h, io, { seed })),
  "cnn-bilstm-ctc": (h, io, _head, seed) => fromSequenceModel(buildLineRecognizer(h, io, { seed })),
};

/** Every model the platform offers (definitions plus builders), in the order of `modelDefinitions`. */
export const modelCatalog: ModelEntry[] = modelDefinitions.map((definition) => ({
  ...definition,
  build: builders[definition.name],
}));

/** Adds an entry (used for models built in sibling folders); names must be unique. */
export function registerModel(entry: ModelEntry): void {
  if (modelCatalog.some((e) => e.name === entry.name)) throw new Error(`model "${entry.name}" is already registered`);
  modelCatalog.push(entry);
}

/** The catalog entry for `name`, builder included; throws listing the known names when there is none. */
export function getModelDefinition(name: string): ModelEntry {
  return findModel(modelCatalog, name);
}

/** Models that can drive at least one of the task's heads, in catalog order. */
export function compatibleModels(heads: readonly HeadKind[]): ModelEntry[] {
  return modelsForHeads(modelCatalog, heads);
}
