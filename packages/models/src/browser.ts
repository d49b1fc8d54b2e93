/**
 * @seqlab/models/browser: what a web page needs to run a seqlab checkpoint with plain `@tensorflow/tfjs`.
 *
 *   await tf.setBackend("webgl");          // or "cpu": the page picks; this entry never chooses a backend
 *   const model = await loadCheckpointForInference(new Uint8Array(await (await fetch(url)).arrayBuffer()));
 *   const output = await model.predict({ size: 1, inputs });
 *   model.dispose();
 *
 * It imports the trainer and checkpoint modules directly, never ./index: the package entry re-exports
 * ./backend/init-backend, whose backend selection loads tfjs-node through `node:module`, probes `/dev/nvidia<N>`
 * with `node:fs`, resolves wasm paths with `node:path`, and reads `process` / `__filename` (esbuild cannot even
 * bundle ./index for the browser: `node:module` does not resolve). Everything this file pulls in needs only tfjs,
 * zod, TextDecoder and DataView.
 */
import { decodeCheckpoint, readCheckpointMeta } from "./checkpoint";
import { loadTrainer } from "./training/trainer";
import type { CheckpointMeta, HeadKind, ModelIO, ModelOutput, TrainingBatch } from "./types";

export { decodeCheckpoint, readCheckpointMeta };
/** The tfjs instance the models run on, so a page sets the backend (`tf.setBackend`) on the very same copy. */
export * as tf from "@tensorflow/tfjs";
export type { CheckpointTensor } from "./checkpoint";
export type { CheckpointMeta, HeadKind, ModelIO, ModelOutput, TrainingBatch } from "./types";

/**
 * A batch to predict on. Only `size` and `inputs` ([size, io.inputLength, io.inputFeatures], row-major) are
 * required: a page has inputs, not targets. Omitted fields take the values of unpadded input with no targets.
 */
export interface InferenceBatch {
  /** Number of sequences. */
  size: number;
  /** Row-major [size, inputLength, inputFeatures]. */
  inputs: Float32Array;
  /** Row-major [size, inputLength], 1 for real steps and 0 for padding. Default: all ones. */
  inputMask?: Float32Array;
  /** Real length of each sequence. Default: `io.inputLength` for every sequence. */
  inputLengths?: Int32Array;
  /**
   * Targets, only read by heads whose forward pass is teacher-forced ("generation"); every other head ignores them
   * (seq2seq predictions are free-running decodes). Default: zeros.
   */
  targets?: Float32Array | Int32Array;
  /** Default: `io.targetLength` for every sequence. */
  targetLengths?: Int32Array;
  /** Default: all ones. */
  targetMask?: Float32Array;
}

/** A checkpoint loaded for inference: its metadata and a `predict` that runs on the page's active tfjs backend. */
export interface InferenceModel {
  /** The checkpoint's metadata: model name, hyperparameters, io shapes, optimiser settings, seed, step, extra. */
  readonly meta: CheckpointMeta;
  /** The head the model was trained with (the first of `meta.io.heads` the model supports). */
  readonly head: HeadKind;
  /** Raw output (regression values or class logits), [size, outputSteps, outputSize] row-major, dropout off. */
  predict(batch: InferenceBatch): Promise<ModelOutput>;
  /**
   * Attention models: `predict`'s output and the attention weights [size, outputSteps, inputLength] of the tokens
   * the model emits; null for models without attention.
   */
  predictWithAttention(
    batch: InferenceBatch,
  ): Promise<{ output: ModelOutput; attention: { values: Float32Array; shape: [number, number, number] } } | null>;
  /** Frees the model's tensors. The model cannot be used afterwards. */
  dispose(): void;
}

/**
 * Loads `saveCheckpoint` bytes for inference on whatever tfjs backend is active (the page sets it with
 * `tf.setBackend` before calling). The predictions equal those of the trainer that saved the checkpoint on the
 * same backend: the same catalog model is rebuilt from `meta` and its weights overwritten from the bytes.
 */
export async function loadCheckpointForInference(bytes: Uint8Array): Promise<InferenceModel> {
  // loadTrainer also restores the optimiser state, which inference never reads; it is kept rather than
  // duplicating the restore logic, since that state is at most twice the size of the weights (Adam moments).
  const { trainer, meta } = await loadTrainer(bytes);
  let disposed = false;
  return {
    meta,
    head: trainer.head,
    predict(batch: InferenceBatch): Promise<ModelOutput> {
      if (disposed) return Promise.reject(new Error("predict called after dispose"));
      return trainer.predict(completeBatch(batch, meta.io));
    },
    predictWithAttention(batch: InferenceBatch) {
      if (disposed) return Promise.reject(new Error("predictWithAttention called after dispose"));
      return trainer.predictWithAttention(completeBatch(batch, meta.io));
    },
    dispose(): void {
      if (disposed) return;
      disposed = true;
      trainer.dispose();
    },
  };
}

/** Fills the fields a page may omit; the trainer checks every length against the io shapes. */
function completeBatch(batch: InferenceBatch, io: ModelIO): TrainingBatch {
  const b = batch.size;
  if (!Number.isInteger(b) || b < 1) throw new Error(`batch.size must be a positive integer, got ${b}`);
  const targetsPerSample = io.outputKind === "regression" ? io.targetLength * io.outputSize : io.targetLength;
  return {
    size: b,
    inputs: batch.inputs,
    inputMask: batch.inputMask ?? new Float32Array(b * io.inputLength).fill(1),
    inputLengths: batch.inputLengths ?? new Int32Array(b).fill(io.inputLength),
    targets:
      batch.targets ??
      (io.outputKind === "regression" ? new Float32Array(b * targetsPerSample) : new Int32Array(b * targetsPerSample)),
    targetLengths: batch.targetLengths ?? new Int32Array(b).fill(io.targetLength),
    targetMask: batch.targetMask ?? new Float32Array(b * io.targetLength).fill(1),
  };
}
