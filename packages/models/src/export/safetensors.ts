import type { CheckpointTensor } from "../checkpoint";
import type { CheckpointMeta } from "../types";
import { CheckpointExportError, decodeForExport } from "./checkpoint-export-error";
import { littleEndianBytes } from "./little-endian";

/**
 * A seqlab checkpoint as safetensors (the format of Hugging Face's `safetensors` library), readable by
 * `safetensors.numpy.load_file`, `safetensors.torch.load_file` or any reader of the format:
 *
 *   bytes 0-7    header length n, uint64 little-endian (a multiple of 8, so the data starts 8-byte aligned)
 *   bytes 8..    header: UTF-8 JSON, padded with spaces to n bytes:
 *                { "__metadata__": { string: string }, "<name>": { dtype, shape, data_offsets: [begin, end] }, ... }
 *   data         every tensor's raw little-endian values, back to back in checkpoint order; data_offsets count
 *                bytes from the start of data
 *
 * Every tensor of the checkpoint is kept under its stored name ("model/layer0/kernel", "optimizer/adam/m/...") and
 * its values bit for bit; `__metadata__` holds the checkpoint's metadata as strings (safetensors allows no other
 * value type), the structured fields as JSON text. Works for every model: nothing here depends on the architecture.
 */
export function checkpointToSafetensors(bytes: Uint8Array): Uint8Array {
  const { meta, tensors } = decodeForExport(bytes);
  const header: Record<string, unknown> = { __metadata__: safetensorsMetadata(meta) };
  let dataLength = 0;
  for (const t of tensors) {
    // A repeated key would make the JSON ambiguous (readers refuse it); the trainer never writes one.
    if (Object.hasOwn(header, t.name)) throw new CheckpointExportError(`tensor name "${t.name}" occurs twice`);
    const size = 4 * t.values.length;
    header[t.name] = {
      dtype: safetensorsDtype[t.dtype],
      shape: t.shape,
      data_offsets: [dataLength, dataLength + size],
    };
    dataLength += size;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLength = align8(json.length);
  const out = new Uint8Array(8 + headerLength + dataLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let at = 8 + headerLength;
  for (const t of tensors) {
    out.set(littleEndianBytes(t.values), at);
    at += 4 * t.values.length;
  }
  return out;
}

/** The checkpoint's metadata as safetensors' `__metadata__`, which maps strings to strings only. */
function safetensorsMetadata(meta: CheckpointMeta): Record<string, string> {
  return {
    format: meta.format,
    version: String(meta.version),
    model: meta.model,
    step: String(meta.step),
    seed: String(meta.seed),
    hyperparameters: JSON.stringify(meta.hyperparameters),
    io: JSON.stringify(meta.io),
    optimizer: JSON.stringify(meta.optimizer),
    ...(meta.extra ? { extra: JSON.stringify(meta.extra) } : {}),
  };
}

const safetensorsDtype: Record<CheckpointTensor["dtype"], string> = { float32: "F32", int32: "I32" };

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}
