const littleEndianHost = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * The 4-byte values of a typed array as little-endian bytes, the byte order of both export formats: a view of the
 * same memory on little-endian hosts (every common one), a converted copy elsewhere.
 */
export function littleEndianBytes(values: Float32Array | Int32Array): Uint8Array {
  if (littleEndianHost) return new Uint8Array(values.buffer, values.byteOffset, 4 * values.length);
  const out = new Uint8Array(4 * values.length);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) {
    if (values instanceof Float32Array) view.setFloat32(4 * i, values[i] as number, true);
    else view.setInt32(4 * i, values[i] as number, true);
  }
  return out;
}
