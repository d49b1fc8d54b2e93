import type { CheckpointMeta } from "./types";

/**
 * Seqlab checkpoint: one self-describing byte array, readable with nothing but a TextDecoder and DataView (so a
 * browser with plain @tensorflow/tfjs can load it; no Buffer, no fs).
 *
 *   bytes 0-7    magic "SEQLABCK"
 *   bytes 8-11   header length n, uint32 little-endian
 *   bytes 12..   header: UTF-8 JSON { meta, tensors: [{ name, dtype, shape, offset, length }] }
 *   padding      zeros up to a multiple of 4, so float data can be viewed in place
 *   data         raw little-endian float32 / int32 values; `offset` counts bytes from the start of data
 */

const magic = "SEQLABCK";

/** A tensor's raw values as stored in a checkpoint. */
export interface CheckpointTensor {
  name: string;
  dtype: "float32" | "int32";
  shape: number[];
  values: Float32Array | Int32Array;
}

interface TensorEntry {
  name: string;
  dtype: "float32" | "int32";
  shape: number[];
  offset: number;
  length: number;
}

const littleEndianHost = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Serialises meta and tensors into one byte array. */
export function encodeCheckpoint(meta: CheckpointMeta, tensors: CheckpointTensor[]): Uint8Array {
  const entries: TensorEntry[] = [];
  let offset = 0;
  for (const t of tensors) {
    const expected = t.shape.reduce((p, d) => p * d, 1);
    if (expected !== t.values.length)
      throw new Error(`tensor "${t.name}": shape [${t.shape}] needs ${expected} values, got ${t.values.length}`);
    entries.push({ name: t.name, dtype: t.dtype, shape: t.shape, offset, length: t.values.length });
    offset += 4 * t.values.length;
  }
  const header = new TextEncoder().encode(JSON.stringify({ meta, tensors: entries }));
  const dataStart = align4(12 + header.length);
  const bytes = new Uint8Array(dataStart + offset);
  for (let i = 0; i < magic.length; i++) bytes[i] = magic.charCodeAt(i);
  const view = new DataView(bytes.buffer);
  view.setUint32(8, header.length, true);
  bytes.set(header, 12);
  tensors.forEach((t, k) => {
    const start = dataStart + (entries[k] as TensorEntry).offset;
    if (littleEndianHost) {
      bytes.set(new Uint8Array(t.values.buffer, t.values.byteOffset, 4 * t.values.length), start);
    } else {
      for (let i = 0; i < t.values.length; i++) {
        if (t.dtype === "float32") view.setFloat32(start + 4 * i, t.values[i] as number, true);
        else view.setInt32(start + 4 * i, t.values[i] as number, true);
      }
    }
  });
  return bytes;
}

/** Reads only the JSON metadata of a checkpoint (cheap: no tensor data is copied). */
export function readCheckpointMeta(bytes: Uint8Array): CheckpointMeta {
  return parseHeader(bytes).header.meta;
}

/** Parses a checkpoint into its metadata and tensors (copies, so the result does not alias `bytes`). */
export function decodeCheckpoint(bytes: Uint8Array): { meta: CheckpointMeta; tensors: CheckpointTensor[] } {
  const { header, dataStart } = parseHeader(bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tensors = header.tensors.map((entry): CheckpointTensor => {
    const start = dataStart + entry.offset;
    if (start + 4 * entry.length > bytes.length) throw new Error(`checkpoint truncated inside tensor "${entry.name}"`);
    const values = entry.dtype === "float32" ? new Float32Array(entry.length) : new Int32Array(entry.length);
    if (littleEndianHost) {
      new Uint8Array(values.buffer).set(bytes.subarray(start, start + 4 * entry.length));
    } else {
      for (let i = 0; i < entry.length; i++) {
        values[i] =
          entry.dtype === "float32" ? view.getFloat32(start + 4 * i, true) : view.getInt32(start + 4 * i, true);
      }
    }
    return { name: entry.name, dtype: entry.dtype, shape: entry.shape, values };
  });
  return { meta: header.meta, tensors };
}

function parseHeader(bytes: Uint8Array): {
  header: { meta: CheckpointMeta; tensors: TensorEntry[] };
  dataStart: number;
} {
  if (bytes.length < 12) throw new Error("not a seqlab checkpoint: shorter than its 12-byte preamble");
  for (let i = 0; i < magic.length; i++) {
    if (bytes[i] !== magic.charCodeAt(i)) throw new Error("not a seqlab checkpoint: bad magic bytes");
  }
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  if (12 + length > bytes.length) throw new Error("checkpoint truncated inside its header");
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + length))) as {
    meta: CheckpointMeta;
    tensors: TensorEntry[];
  };
  if (header.meta?.format !== "seqlab-checkpoint")
    throw new Error(`unknown checkpoint format ${String(header.meta?.format)}`);
  if (header.meta.version !== 1) throw new Error(`unsupported checkpoint version ${String(header.meta.version)}`);
  return { header, dataStart: align4(12 + length) };
}

function align4(n: number): number {
  return (n + 3) & ~3;
}
