import type { CheckpointTensor } from "../checkpoint";
import { headModeFor } from "../head-mode";
import { getModelDefinition, parseHyperparameters } from "../model-definitions";
import { trainedHead } from "../model-lookup";
import type { CheckpointMeta, HeadKind, ModelIO } from "../types";
import { CheckpointExportError, decodeForExport } from "./checkpoint-export-error";
import { littleEndianBytes } from "./little-endian";

/**
 * A seqlab checkpoint as a stock TensorFlow.js layers model: the model.json that `tf.loadLayersModel` reads (a Keras
 * topology plus a weights manifest) and its one weights file, for the models a plain `tf.Sequential` computes
 * exactly: rnn (SimpleRNN), lstm (LSTM) and bilstm (Bidirectional LSTM), stacked, with a Dense output and, for a
 * many-to-one head with several target steps, a Reshape. Written without TensorFlow.js, so the web server converts
 * on download; the tests load the result with stock tfjs and compare its predictions with the trainer's.
 *
 * Not reproduced: seqlab's masking of padded steps (a LayersModel has no input for the mask). The export reads
 * every step it is given; its time dimension is free, so a padded sequence fed at its real length gives seqlab's
 * output for it (or, where no real step is all zeros, a Masking layer in front: docs/checkpoint-format.md).
 */

/** Path of the weights file in model.json's weightsManifest, relative to model.json (how tfjs resolves it). */
export const TFJS_WEIGHTS_FILE = "weights.bin";

/** One weight in model.json's manifest: where tfjs-layers looks it up (layer name / weight name) and its shape. */
export interface TfjsWeightSpec {
  name: string;
  shape: number[];
  dtype: "float32";
}

/** A layer as tfjs-layers serialises it (Keras JSON: class name and snake_case config). */
export interface KerasLayerJson {
  class_name: string;
  config: Record<string, unknown>;
}

/** What the export records of the checkpoint (`model.getUserDefinedMetadata()` after loading). */
export interface TfjsExportMetadata {
  format: "seqlab-checkpoint";
  model: string;
  head: HeadKind;
  step: number;
  seed: number;
  hyperparameters: Record<string, unknown>;
  io: ModelIO;
}

/** model.json of a tfjs layers model whose weights are one file, {@link TFJS_WEIGHTS_FILE}. */
export interface TfjsLayersModelJson {
  format: "layers-model";
  generatedBy: string;
  convertedBy: null;
  modelTopology: {
    class_name: "Sequential";
    config: { name: string; layers: KerasLayerJson[] };
    keras_version: string;
    backend: string;
  };
  weightsManifest: { paths: string[]; weights: TfjsWeightSpec[] }[];
  userDefinedMetadata: { seqlab: TfjsExportMetadata };
}

/** The two files of the export: serve `modelJson` as model.json and `weightData` beside it as weights.bin. */
export interface TfjsLayersExport {
  modelJson: TfjsLayersModelJson;
  weightData: ArrayBuffer;
}

/** The architecture of an exportable checkpoint, read from its metadata. */
interface ExportPlan {
  cell: "rnn" | "lstm";
  bidirectional: boolean;
  merge: "concat" | "sum";
  units: number;
  layers: number;
  recurrentActivation: "sigmoid" | "hardSigmoid";
  unitForgetBias: boolean;
  head: HeadKind;
  /** Many-to-one: the last layer returns its final state and the Dense maps it to targetLength * outputSize. */
  pooled: boolean;
}

/** Why each model that is not exported cannot be written as stock layers. */
const refusals: Record<string, string> = {
  gru:
    "seqlab's GRU applies the reset gate after the recurrent matMul, n = tanh(x W_n + b_n + r * (h U_n + c_n)), as " +
    "PyTorch and cuDNN do; tfjs-layers' GRU applies it before, n = tanh(x W_n + b_n + (r * h) U_n), has no " +
    "recurrent bias and refuses resetAfter: true, so no stock layer computes the same function (PyTorch's nn.GRU " +
    "does: use the safetensors export)",
  wavenet:
    "its causal dilated convolutions have no stock layer (tfjs-layers' conv1d throws for causal padding), and " +
    "rebuilding them from padding workarounds, split gates and residual and skip sums is a functional graph this " +
    "export does not write (use the safetensors export)",
  "seq2seq-attention":
    "its decoder feeds its own previous output back in at every step, with attention over the encoder, a loop " +
    "that one LayersModel.predict call cannot run (use the safetensors export)",
  "cnn-bilstm-ctc":
    "its BiLSTM is masked by each line's real width in every forward pass and its windows are cut at whole " +
    "strides, so a stock model would answer differently for every line narrower than the input (use the " +
    "safetensors export)",
};

/** Catalog models whose network the export writes, with the cell and direction each uses. */
const exportable: Record<string, { cell: "rnn" | "lstm"; bidirectional: boolean }> = {
  rnn: { cell: "rnn", bidirectional: false },
  lstm: { cell: "lstm", bidirectional: false },
  bilstm: { cell: "lstm", bidirectional: true },
};

/** The catalog models a tfjs layers export can be written for (the head may still refuse: generation). */
export const TFJS_LAYERS_MODELS: readonly string[] = Object.keys(exportable);

/**
 * Why a checkpoint with this metadata cannot be exported as a tfjs layers model, or null when it can. The same
 * message {@link checkpointToTfjsLayers} throws; needs only the metadata (`readCheckpointMeta`).
 */
export function tfjsLayersExportProblem(meta: CheckpointMeta): string | null {
  const planned = planExport(meta);
  return planned.ok ? null : planned.reason;
}

/**
 * Converts `saveCheckpoint` bytes to a tfjs layers model: model.json (weights manifest pointing at
 * {@link TFJS_WEIGHTS_FILE}) and the weights file's bytes. Loads with stock tfjs:
 *
 *   const model = await tf.loadLayersModel("https://host/path/model.json");   // weights.bin beside it
 *   const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology,
 *     weightSpecs: modelJson.weightsManifest[0].weights, weightData }));
 *
 * `model.predict(x)` with x [batch, steps, inputFeatures] gives the trainer's `predict` output: [batch, steps,
 * outputSize] for per-step heads, [batch, outputSize] (many-to-one, one target step) or [batch, targetLength,
 * outputSize]. Throws {@link CheckpointExportError} naming the model and the reason for what it cannot express.
 */
export function checkpointToTfjsLayers(bytes: Uint8Array): TfjsLayersExport {
  const { meta, tensors } = decodeForExport(bytes);
  const planned = planExport(meta);
  if (!planned.ok) throw new CheckpointExportError(planned.reason);
  const plan = planned.plan;
  const io = meta.io;
  const weights = new WeightCollector(meta.model, tensors);
  const layers: KerasLayerJson[] = [];
  const inputShape = { batch_input_shape: [null, null, io.inputFeatures], dtype: "float32" };
  let width = io.inputFeatures;
  for (let l = 0; l < plan.layers; l++) {
    const name = `layer${l}`;
    // Every layer but the last feeds the next one step by step; the last returns every step unless the head pools.
    const returnSequences = l < plan.layers - 1 || !plan.pooled;
    const first = l === 0 ? inputShape : {};
    if (plan.bidirectional) {
      layers.push(bidirectionalJson(name, plan, returnSequences, first));
      for (const direction of ["forward", "backward"] as const) {
        weights.lstm(`${name}/${direction}_${innerLstmName}`, `${name}/${direction}`, width, plan.units);
      }
      width = plan.merge === "concat" ? 2 * plan.units : plan.units;
    } else {
      layers.push({
        class_name: plan.cell === "rnn" ? "SimpleRNN" : "LSTM",
        config: recurrentConfig(name, plan, returnSequences, first),
      });
      if (plan.cell === "rnn") weights.simpleRnn(name, width, plan.units);
      else weights.lstm(name, name, width, plan.units);
      width = plan.units;
    }
  }
  const outputWidth = plan.pooled ? io.targetLength * io.outputSize : io.outputSize;
  // The textbook RNN has no output bias (y = W_hy h); the checkpoint says whether this model has one.
  const outputBias = tensors.some((t) => t.name === "model/output/bias");
  layers.push(denseJson("output", outputWidth, outputBias));
  weights.copy("output/kernel", "model/output/kernel", [width, outputWidth]);
  if (outputBias) weights.copy("output/bias", "model/output/bias", [outputWidth]);
  if (plan.pooled && io.targetLength > 1) {
    layers.push({
      class_name: "Reshape",
      config: { target_shape: [io.targetLength, io.outputSize], name: "reshape", trainable: true },
    });
  }
  const modelJson: TfjsLayersModelJson = {
    format: "layers-model",
    generatedBy: "seqlab checkpoint export",
    convertedBy: null,
    modelTopology: {
      class_name: "Sequential",
      config: { name: `seqlab_${meta.model}`, layers },
      // What tfjs-layers 4.22 itself writes (this JSON is checked against its own serialisation in the tests).
      keras_version: "tfjs-layers 4.22.0",
      backend: "tensor_flow.js",
    },
    weightsManifest: [{ paths: [TFJS_WEIGHTS_FILE], weights: weights.specs }],
    userDefinedMetadata: {
      seqlab: {
        format: meta.format,
        model: meta.model,
        head: plan.head,
        step: meta.step,
        seed: meta.seed,
        hyperparameters: meta.hyperparameters,
        io,
      },
    },
  };
  return { modelJson, weightData: weights.data() };
}

/** Reads the architecture from the metadata: the plan, or why it has no stock tfjs-layers equivalent. */
function planExport(meta: CheckpointMeta): { ok: true; plan: ExportPlan } | { ok: false; reason: string } {
  const refuse = (why: string) => ({
    ok: false as const,
    reason: `model "${meta.model}" cannot be exported as a TensorFlow.js layers model: ${why}`,
  });
  const refusal = Object.hasOwn(refusals, meta.model) ? refusals[meta.model] : undefined;
  if (refusal) return refuse(refusal);
  const family = Object.hasOwn(exportable, meta.model) ? exportable[meta.model] : undefined;
  if (!family) return refuse("it is not one of the catalog models the export writes (rnn, lstm, bilstm)");
  let h: Record<string, unknown>;
  try {
    h = parseHyperparameters(getModelDefinition(meta.model), meta.hyperparameters);
  } catch (error) {
    return refuse(error instanceof Error ? error.message : String(error));
  }
  const head = trainedHead(getModelDefinition(meta.model), meta.io.heads);
  if (!head) return refuse(`none of the task's heads (${meta.io.heads.join(", ")}) is one the model drives`);
  if (head === "generation" || head === "seq2seq") {
    return refuse(
      `its "${head}" head starts the recurrence from a state computed from the conditioning input and feeds its ` +
        "own samples back in, which a single-input LayersModel does not express",
    );
  }
  return {
    ok: true,
    plan: {
      ...family,
      // The builder's defaults (../model-builders), for hyperparameters a model's schema lacks.
      merge: (h.merge as "concat" | "sum" | undefined) ?? "concat",
      units: h.units as number,
      layers: h.layers as number,
      recurrentActivation: (h.recurrentActivation as "sigmoid" | "hardSigmoid" | undefined) ?? "sigmoid",
      unitForgetBias: (h.unitForgetBias as boolean | undefined) ?? true,
      head,
      pooled: headModeFor(head, meta.io) === "pooled",
    },
  };
}

/** Name of the LSTM inside a Bidirectional: tfjs-layers names its halves forward_<name> and backward_<name>. */
const innerLstmName = "lstm";

/**
 * Zeros: the loaded weights replace whatever the initialisers draw, and tfjs's default orthogonal recurrent
 * initialiser would spend tens of seconds on a QR for a large kernel when the model is loaded (notes/tfjs.md).
 */
const zeros = { class_name: "Zeros", config: {} };

/** Regularisers and constraints: none, written out as tfjs-layers writes them. */
const noRegularizers = {
  kernel_regularizer: null,
  recurrent_regularizer: null,
  bias_regularizer: null,
  activity_regularizer: null,
  kernel_constraint: null,
  recurrent_constraint: null,
  bias_constraint: null,
};

/** A SimpleRNN or LSTM layer's config, with the keys in tfjs-layers' order. */
function recurrentConfig(
  name: string,
  plan: ExportPlan,
  returnSequences: boolean,
  extra: Record<string, unknown>,
): Record<string, unknown> {
  const lstm = plan.cell === "lstm";
  return {
    name,
    trainable: true,
    ...extra,
    units: plan.units,
    activation: "tanh",
    // tfjs-layers' LSTM defaults to the hard sigmoid; seqlab's to the logistic one. Both are written out.
    ...(lstm ? { recurrent_activation: plan.recurrentActivation === "sigmoid" ? "sigmoid" : "hard_sigmoid" } : {}),
    use_bias: true,
    kernel_initializer: zeros,
    recurrent_initializer: zeros,
    bias_initializer: zeros,
    ...(lstm ? { unit_forget_bias: plan.unitForgetBias } : {}),
    ...noRegularizers,
    dropout: 0,
    recurrent_dropout: 0,
    ...(lstm ? { implementation: null } : {}),
    return_sequences: returnSequences,
    return_state: false,
    go_backwards: false,
    stateful: false,
    unroll: false,
  };
}

/** A Bidirectional LSTM layer: tfjs-layers runs a copy of the inner LSTM backwards and reverses its outputs back. */
function bidirectionalJson(
  name: string,
  plan: ExportPlan,
  returnSequences: boolean,
  extra: Record<string, unknown>,
): KerasLayerJson {
  return {
    class_name: "Bidirectional",
    config: {
      merge_mode: plan.merge,
      layer: { class_name: "LSTM", config: recurrentConfig(innerLstmName, plan, returnSequences, {}) },
      name,
      trainable: true,
      ...extra,
    },
  };
}

function denseJson(name: string, units: number, useBias: boolean): KerasLayerJson {
  return {
    class_name: "Dense",
    config: {
      units,
      activation: "linear",
      use_bias: useBias,
      kernel_initializer: zeros,
      bias_initializer: zeros,
      kernel_regularizer: null,
      bias_regularizer: null,
      activity_regularizer: null,
      kernel_constraint: null,
      bias_constraint: null,
      name,
      trainable: true,
    },
  };
}

/**
 * tfjs-layers' LSTM gate blocks, as indices into seqlab's: tfjs orders them [i | f | c | o], seqlab [i | f | o | g]
 * (g is tfjs's c, the candidate), so that one sigmoid covers seqlab's three gates.
 */
const lstmBlocksFromSeqlab = [0, 1, 3, 2];

/** Collects the weights of the model.json manifest and their values, checked against the shapes they must have. */
class WeightCollector {
  readonly specs: TfjsWeightSpec[] = [];
  private readonly values: Float32Array[] = [];
  private readonly byName: Map<string, CheckpointTensor>;

  constructor(
    private readonly model: string,
    tensors: CheckpointTensor[],
  ) {
    this.byName = new Map(tensors.map((t) => [t.name, t]));
  }

  /** A tfjs weight with the values of a checkpoint tensor, unchanged. */
  copy(name: string, from: string, shape: number[]): void {
    this.add(name, shape, this.take(from, shape));
  }

  /** SimpleRNN: kernel W_xh [in, units], recurrent_kernel W_hh [units, units], bias b, the same maps as seqlab's. */
  simpleRnn(layer: string, inputSize: number, units: number): void {
    this.copy(`${layer}/kernel`, `model/${layer}/W_xh`, [inputSize, units]);
    this.copy(`${layer}/recurrent_kernel`, `model/${layer}/W_hh`, [units, units]);
    this.copy(`${layer}/bias`, `model/${layer}/b`, [units]);
  }

  /** LSTM: the same [in, 4 units] / [units, 4 units] / [4 units] layout, gate blocks reordered to tfjs's. */
  lstm(layer: string, from: string, inputSize: number, units: number): void {
    for (const [weight, rows] of [
      ["kernel", inputSize],
      ["recurrent_kernel", units],
      ["bias", 1],
    ] as const) {
      const shape = weight === "bias" ? [4 * units] : [rows, 4 * units];
      const source = this.take(`model/${from}/${weight}`, shape);
      this.add(`${layer}/${weight}`, shape, reorderBlocks(source, rows, units, lstmBlocksFromSeqlab));
    }
  }

  /** The weights file: every value in manifest order, float32 little-endian. */
  data(): ArrayBuffer {
    const total = this.values.reduce((n, v) => n + 4 * v.length, 0);
    const out = new Uint8Array(total);
    let at = 0;
    for (const v of this.values) {
      out.set(littleEndianBytes(v), at);
      at += 4 * v.length;
    }
    return out.buffer;
  }

  private add(name: string, shape: number[], values: Float32Array): void {
    this.specs.push({ name, shape, dtype: "float32" });
    this.values.push(values);
  }

  private take(name: string, shape: number[]): Float32Array {
    const t = this.byName.get(name);
    const fail = (why: string) =>
      new CheckpointExportError(`the "${this.model}" checkpoint cannot be exported: tensor "${name}" ${why}`);
    if (!t) throw fail("is missing");
    if (t.dtype !== "float32" || !(t.values instanceof Float32Array)) throw fail(`is ${t.dtype}, not float32`);
    if (t.shape.join(",") !== shape.join(","))
      throw fail(`has shape [${t.shape}], its hyperparameters and task need [${shape}]`);
    return t.values;
  }
}

/** Row-major [rows, blocks * units] with its column blocks permuted: output block k is input block order[k]. */
function reorderBlocks(values: Float32Array, rows: number, units: number, order: number[]): Float32Array {
  const width = order.length * units;
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) {
    order.forEach((source, k) => {
      out.set(values.subarray(r * width + source * units, r * width + (source + 1) * units), r * width + k * units);
    });
  }
  return out;
}
