import * as tf from "@tensorflow/tfjs";
import { copySlice } from "./slice-copy";

/**
 * Replacement kernels for the wasm backend of tfjs 4.22 (measured in shared/notes/tfjs.md):
 * - `BatchMatMul`: XNNPACK is used only when neither input is transposed and the batch is 1; every matMul inside a
 *   gradient otherwise runs a scalar loop at 1.3-2.2 GFLOP/s. We materialise transposes with the wasm `Transpose`
 *   kernel and fold a batched left operand times a shared right operand into one [1, batch*rows, k] product.
 * - `Slice`: the stock kernel copies the whole input out of the wasm heap for every slice (64 full copies to
 *   unstack 64 time steps); ours copies only the selected part. `Unpack` and `SplitV` call the stock slice
 *   directly, so they are re-registered on top of ours.
 * - `UnsortedSegmentSum` (the gradient of `gather`) is missing on wasm: we delegate to the cpu kernel.
 */

/** The slice of the wasm backend object these kernels use (it is not exported as a type we can import here). */
interface WasmBackendLike {
  dataIdMap: { get(dataId: object): { id: number; memoryOffset: number; shape: number[]; dtype: string } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
  readSync(dataId: object): tf.backend_util.TypedArray;
  incRef(dataId: object): void;
  disposeData(dataId: object, force?: boolean): boolean;
}

type KernelFunc = (args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}) => tf.TensorInfo | tf.TensorInfo[];

/** Stock kernels replaced by `installWasmKernelFixes`, kept so that `uninstallWasmKernelFixes` can put them back. */
let originals: { replaced: tf.KernelConfig[]; addedSegmentSum: boolean } | null = null;

/** Re-registers BatchMatMul and Slice and adds UnsortedSegmentSum on the wasm backend. Idempotent; call after `setBackend("wasm")`. */
export function installWasmKernelFixes(): void {
  if (originals) return;
  const original = tf.getKernel("BatchMatMul", "wasm");
  const transposeKernel = tf.getKernel("Transpose", "wasm");
  const replaced = ["BatchMatMul", "Slice", "Unpack", "SplitV"].map((name) => tf.getKernel(name, "wasm"));
  if (!original || !transposeKernel || replaced.some((k) => !k))
    throw new Error("wasm kernels BatchMatMul/Slice/Unpack/SplitV/Transpose are not registered");
  const originalMatMul = original.kernelFunc as unknown as KernelFunc;
  const transpose = transposeKernel.kernelFunc as unknown as KernelFunc;

  tf.unregisterKernel("BatchMatMul", "wasm");
  tf.registerKernel({
    kernelName: "BatchMatMul",
    backendName: "wasm",
    kernelFunc: ((args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }) =>
      fastBatchMatMul(args, originalMatMul, transpose)) as unknown as tf.KernelFunc,
  });

  // Unpack and SplitV call the stock slice function directly, not through the registry: replace them too.
  tf.unregisterKernel("Slice", "wasm");
  tf.registerKernel({
    kernelName: "Slice",
    backendName: "wasm",
    kernelFunc: sliceCopyingOnlyPart as unknown as tf.KernelFunc,
  });
  tf.unregisterKernel("Unpack", "wasm");
  tf.registerKernel({
    kernelName: "Unpack",
    backendName: "wasm",
    kernelFunc: unpackWithPartialSlices as unknown as tf.KernelFunc,
  });
  tf.unregisterKernel("SplitV", "wasm");
  tf.registerKernel({
    kernelName: "SplitV",
    backendName: "wasm",
    kernelFunc: splitWithPartialSlices as unknown as tf.KernelFunc,
  });

  const addedSegmentSum = !tf.getKernel("UnsortedSegmentSum", "wasm");
  if (addedSegmentSum) {
    tf.registerKernel({
      kernelName: "UnsortedSegmentSum",
      backendName: "wasm",
      kernelFunc: unsortedSegmentSumViaCpu as unknown as tf.KernelFunc,
    });
  }
  originals = { replaced: replaced as tf.KernelConfig[], addedSegmentSum };
}

/** Puts the stock wasm kernels back (benchmarks compare against stock tfjs with it). */
export function uninstallWasmKernelFixes(): void {
  if (!originals) return;
  for (const kernel of originals.replaced) {
    tf.unregisterKernel(kernel.kernelName, "wasm");
    tf.registerKernel(kernel);
  }
  if (originals.addedSegmentSum) tf.unregisterKernel("UnsortedSegmentSum", "wasm");
  originals = null;
}

function transposeLastTwo(x: tf.TensorInfo, backend: unknown, transpose: KernelFunc): tf.TensorInfo {
  const rank = x.shape.length;
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 1] = rank - 2;
  perm[rank - 2] = rank - 1;
  return transpose({ inputs: { x }, backend, attrs: { perm } }) as tf.TensorInfo;
}

function fastBatchMatMul(
  args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap },
  originalMatMul: KernelFunc,
  transpose: KernelFunc,
): tf.TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const a0 = args.inputs.a as tf.TensorInfo;
  const b0 = args.inputs.b as tf.TensorInfo;
  const transposeA = Boolean(args.attrs?.transposeA);
  const transposeB = Boolean(args.attrs?.transposeB);
  const temporaries: tf.TensorInfo[] = [];
  const a = transposeA ? transposeLastTwo(a0, backend, transpose) : a0;
  if (transposeA) temporaries.push(a);
  const b = transposeB ? transposeLastTwo(b0, backend, transpose) : b0;
  if (transposeB) temporaries.push(b);

  const batchA = a.shape.slice(0, -2).reduce((p, d) => p * d, 1);
  const batchB = b.shape.slice(0, -2).reduce((p, d) => p * d, 1);
  const rowsA = a.shape[a.shape.length - 2] as number;
  const inner = a.shape[a.shape.length - 1] as number;
  const colsB = b.shape[b.shape.length - 1] as number;
  let out: tf.TensorInfo;
  if (batchA > 1 && batchB === 1) {
    // [batch, m, k] x [k, n] is one [batch*m, k] x [k, n] product: the XNNPACK path needs batch 1.
    backend.incRef(a.dataId);
    const folded: tf.TensorInfo = { dataId: a.dataId, shape: [1, batchA * rowsA, inner], dtype: a.dtype };
    backend.incRef(b.dataId);
    const b3: tf.TensorInfo = { dataId: b.dataId, shape: [1, inner, colsB], dtype: b.dtype };
    const product = originalMatMul({
      inputs: { a: folded, b: b3 },
      backend,
      attrs: { transposeA: false, transposeB: false },
    }) as tf.TensorInfo;
    backend.disposeData(folded.dataId);
    backend.disposeData(b3.dataId);
    const outShape = [...a.shape.slice(0, -2), rowsA, colsB];
    out = { dataId: product.dataId, shape: outShape, dtype: product.dtype };
  } else {
    out = originalMatMul({
      inputs: { a, b },
      backend,
      attrs: { transposeA: false, transposeB: false },
    }) as tf.TensorInfo;
  }
  for (const t of temporaries) backend.disposeData(t.dataId);
  return out;
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

function unpackWithPartialSlices(args: KernelArgs): tf.TensorInfo[] {
  const value = args.inputs.value as tf.TensorInfo;
  const rank = value.shape.length;
  let axis = args.attrs?.axis as number;
  if (axis < 0) axis += rank;
  const outShape = value.shape.filter((_, i) => i !== axis);
  const size = value.shape.slice();
  size[axis] = 1;
  return Array.from({ length: value.shape[axis] as number }, (_, i) => {
    const begin = new Array<number>(rank).fill(0);
    begin[axis] = i;
    const part = sliceCopyingOnlyPart({ inputs: { x: value }, backend: args.backend, attrs: { begin, size } });
    // A fresh buffer owned by this output: dropping the unit axis is only a shape change.
    return { dataId: part.dataId, dtype: part.dtype, shape: outShape };
  });
}

function splitWithPartialSlices(args: KernelArgs): tf.TensorInfo[] {
  const x = args.inputs.x as tf.TensorInfo;
  const axis = tf.util.parseAxisParam(args.attrs?.axis as number, x.shape)[0] as number;
  const sizes = tf.backend_util.prepareSplitSize(
    x as unknown as tf.Tensor,
    args.attrs?.numOrSizeSplits as number | number[],
    axis,
  );
  const begin = new Array<number>(x.shape.length).fill(0);
  return sizes.map((s) => {
    const size = x.shape.slice();
    size[axis] = s;
    const part = sliceCopyingOnlyPart({ inputs: { x }, backend: args.backend, attrs: { begin: begin.slice(), size } });
    begin[axis] = (begin[axis] as number) + s;
    return part;
  });
}

function sliceCopyingOnlyPart(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const x = args.inputs.x as tf.TensorInfo;
  const [begin, size] = tf.slice_util.parseSliceParams(
    x as unknown as tf.Tensor,
    args.attrs?.begin as number | number[],
    args.attrs?.size as number | number[] | undefined,
  ) as [number[], number[]];
  const out = backend.makeOutput(size, x.dtype);
  if (x.dtype === "string") throw new Error("Slice of string tensors is not supported by seqlab's wasm Slice");
  if (size.some((d) => d === 0)) return out;
  // Views are taken after makeOutput: allocating may grow (and detach) the wasm heap.
  copySlice(backend.typedArrayFromHeap(x), x.shape, begin, size, backend.typedArrayFromHeap(out));
  return out;
}

function unsortedSegmentSumViaCpu(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const x = args.inputs.x as tf.TensorInfo;
  const segmentIds = args.inputs.segmentIds as tf.TensorInfo;
  const cpu = tf.findBackend("cpu") as unknown as {
    write(values: tf.backend_util.BackendValues, shape: number[], dtype: tf.DataType): object;
    readSync(dataId: object): tf.backend_util.TypedArray;
    disposeData(dataId: object, force?: boolean): boolean;
  } | null;
  const cpuKernel = tf.getKernel("UnsortedSegmentSum", "cpu");
  if (!cpu || !cpuKernel) throw new Error("UnsortedSegmentSum on wasm needs the cpu backend, which is not registered");
  const xCpu: tf.TensorInfo = {
    dataId: cpu.write(backend.readSync(x.dataId), x.shape, x.dtype),
    shape: x.shape,
    dtype: x.dtype,
  };
  const idsCpu: tf.TensorInfo = {
    dataId: cpu.write(backend.readSync(segmentIds.dataId), segmentIds.shape, segmentIds.dtype),
    shape: segmentIds.shape,
    dtype: segmentIds.dtype,
  };
  const result = cpuKernel.kernelFunc({
    inputs: { x: xCpu, segmentIds: idsCpu },
    backend: cpu as never,
    attrs: args.attrs ?? {},
  }) as tf.TensorInfo;
  const values = cpu.readSync(result.dataId);
  cpu.disposeData(xCpu.dataId, true);
  cpu.disposeData(idsCpu.dataId, true);
  cpu.disposeData(result.dataId, true);
  const out = backend.makeOutput(result.shape, result.dtype);
  backend.typedArrayFromHeap(out).set(values as Float32Array);
  return out;
}
