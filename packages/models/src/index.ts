/**
 * @seqlab/models: sequence models on TensorFlow.js. Await `initBackend` once before anything creates a tensor;
 * then `createTrainer` (or `loadTrainer` from checkpoint bytes) and loop `trainStep` / `evaluate`:
 *
 *   await initBackend({ prefer: env.SEQLAB_BACKEND });
 *   const trainer = await createTrainer({ model: "lstm", hyperparameters: {}, io: task.spec, optimizer, seed });
 *   const { loss } = await trainer.trainStep(task.split("train").batch(i, 32));
 *   const bytes = await trainer.saveCheckpoint({ batchIndex: i + 1 });
 */
export { initBackend } from "./backend/init-backend";
export type { BackendChoice, BackendName, InitBackendOptions } from "./backend/init-backend";
export { installWasmKernelFixes, uninstallWasmKernelFixes } from "./backend/wasm-kernels";
export { installCpuKernelFixes, uninstallCpuKernelFixes } from "./backend/cpu-kernels";
export {
  modelCatalog,
  getModelDefinition,
  compatibleModels,
  headMismatch,
  parseHyperparameters,
  registerModel,
} from "./model-builders";
export type { ModelEntry, PreparedInputs, TrainableModel } from "./model-builders";
// The light entry's exports too, so this entry is a superset of @seqlab/models/catalog.
export { modelDefinitions } from "./model-definitions";
export type { BuiltInModelDefinition, BuiltInModelName } from "./model-definitions";
export { createTrainer, loadTrainer, readCheckpointMeta } from "./training/trainer";
export { encodeCheckpoint, decodeCheckpoint } from "./checkpoint";
export type { CheckpointTensor } from "./checkpoint";
// The light ./export entry's conversions too (checkpoints as safetensors and as a stock tfjs layers model).
export {
  CheckpointExportError,
  TFJS_WEIGHTS_FILE,
  checkpointToSafetensors,
  checkpointToTfjsLayers,
  tfjsLayersExportProblem,
} from "./export";
export type {
  KerasLayerJson,
  TfjsExportMetadata,
  TfjsLayersExport,
  TfjsLayersModelJson,
  TfjsWeightSpec,
} from "./export";
export { SimpleRnn } from "./layers/simple-rnn";
export { SimpleRnnCell } from "./layers/simple-rnn-cell";
export { LstmCell } from "./layers/lstm-cell";
export { GruCell } from "./layers/gru-cell";
export { Bidirectional } from "./layers/bidirectional";
export type { MergeMode } from "./layers/bidirectional";
export { runSequence } from "./layers/recurrent-cell";
export type { RecurrentCell, RecurrentActivation, NamedVariable, SequenceResult } from "./layers/recurrent-cell";
export { orthogonal, glorotUniform } from "./initializers";
export { Random } from "./random";
export { maskedSoftmaxCrossEntropy, maskedMeanSquaredError } from "./training/losses";
export { clipByGlobalNorm } from "./training/optimizers";
export * from "./types";
export {
  ctcLoss,
  ctcGreedyDecode,
  ctcBeamSearchDecode,
  ctcBeamSearchDecodeValues,
  editDistance,
  characterErrorRate,
  wordErrorRate,
} from "./ctc";
export type {
  CtcLossOptions,
  CtcReduction,
  CtcGreedyDecodeOptions,
  CtcBeamSearchOptions,
  CtcBeamSearchResult,
  ErrorRates,
  Sequence,
  LineRecognizerModel,
} from "./ctc";
export { buildLineRecognizer } from "./ctc";
export { buildWaveNet, receptiveField } from "./wavenet";
export type { WaveNetModel, SequenceModel, ForwardOptions, BuildOptions } from "./wavenet";
export { buildSeq2Seq } from "./seq2seq";
export type { AttentionKind, Seq2SeqModel, Seq2SeqDecoding, DecodeOptions } from "./seq2seq";
