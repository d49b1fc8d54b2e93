/**
 * @seqlab/models/export: the checkpoint format and a checkpoint's bytes as files that other tools read. Pure byte
 * and JSON work, no TensorFlow.js (this entry and everything it imports use zod at most; export-entry.test.ts
 * checks it), so the web server converts a checkpoint when it is downloaded:
 * - safetensors, every model, every tensor (weights and optimiser state) under its stored name;
 * - a stock TensorFlow.js layers model (model.json plus one weights file) for rnn, lstm and bilstm.
 * docs/checkpoint-format.md describes the three formats.
 */
export { decodeCheckpoint, encodeCheckpoint, readCheckpointMeta, type CheckpointTensor } from "../checkpoint";
export type { CheckpointMeta } from "../types";
export { CheckpointExportError } from "./checkpoint-export-error";
export { checkpointToSafetensors } from "./safetensors";
export {
  TFJS_LAYERS_MODELS,
  TFJS_WEIGHTS_FILE,
  checkpointToTfjsLayers,
  tfjsLayersExportProblem,
  type KerasLayerJson,
  type TfjsExportMetadata,
  type TfjsLayersExport,
  type TfjsLayersModelJson,
  type TfjsWeightSpec,
} from "./tfjs-layers";
