type Values = Float32Array | Int32Array | Uint8Array;

/**
 * Copies the box [begin, begin + size) of a row-major array of `shape` into `dst`, one contiguous run of the
 * innermost dimension at a time (an odometer over the outer dimensions). tfjs's cpu slice instead converts every
 * element's flat index to coordinates and back (about 300 ns an element here), and its wasm slice first copies the
 * whole input out of the heap.
 */
export function copySlice(
  src: Values,
  shape: readonly number[],
  begin: readonly number[],
  size: readonly number[],
  dst: Values,
): void {
  const rank = shape.length;
  if (rank === 0 || size.some((d) => d === 0)) {
    if (rank === 0) dst[0] = src[0] as number;
    return;
  }
  const strides = new Array<number>(rank).fill(1);
  for (let d = rank - 2; d >= 0; d--) strides[d] = (strides[d + 1] as number) * (shape[d + 1] as number);
  const inner = size[rank - 1] as number;
  const outerCount = size.slice(0, -1).reduce((p, d) => p * d, 1);
  const index = new Array<number>(rank - 1).fill(0);
  let outOffset = 0;
  for (let n = 0; n < outerCount; n++) {
    let srcOffset = begin[rank - 1] as number;
    for (let d = 0; d < rank - 1; d++)
      srcOffset += ((begin[d] as number) + (index[d] as number)) * (strides[d] as number);
    dst.set(src.subarray(srcOffset, srcOffset + inner), outOffset);
    outOffset += inner;
    for (let d = rank - 2; d >= 0; d--) {
      index[d] = (index[d] as number) + 1;
      if ((index[d] as number) < (size[d] as number)) break;
      index[d] = 0;
    }
  }
}
