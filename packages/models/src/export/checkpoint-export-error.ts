import { decodeCheckpoint, type CheckpointTensor } from "../checkpoint";
import type { CheckpointMeta } from "../types";

/**
 * Why a checkpoint cannot be exported in a format: its bytes are not a readable seqlab checkpoint, or its model
 * (or head) has no equivalent there. The message names the model and the reason; the web API answers with a 400.
 */
export class CheckpointExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CheckpointExportError";
  }
}

/** Decodes checkpoint bytes for an export: a malformed or truncated checkpoint becomes a {@link CheckpointExportError}. */
export function decodeForExport(bytes: Uint8Array): { meta: CheckpointMeta; tensors: CheckpointTensor[] } {
  try {
    return decodeCheckpoint(bytes);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CheckpointExportError(`the artifact is not a readable seqlab checkpoint: ${reason}`);
  }
}
