import * as tf from "@tensorflow/tfjs";
import { copySlice } from "./slice-copy";

/**
 * Faster `Slice`, `SplitV` and `Unpack` for the cpu backend of tfjs 4.22: its slice of a non-contiguous box walks
 * element by element through index-to-coordinate conversions (a [32, 512] -> [32, 128] column slice took about
 * 4 ms here), and SplitV/Unpack are built on it. Ours copies contiguous runs (slice-copy.ts). Strings and complex
 * tensors fall back to the stock kernels.
 */

interface CpuBackendLike {
  data: { get(dataId: object): { values?: unknown } | undefined };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: tf.backend_util.BackendValues): tf.TensorInfo;
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };
type KernelFunc = (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[];

let originals: tf.KernelConfig[] | null = null;

/** Re-registers the cpu Slice, SplitV and Unpack kernels. Idempotent. */
export function installCpuKernelFixes(): void {
  if (originals) return;
  const names = ["Slice", "SplitV", "Unpack"];
  const stock = names.map((name) => tf.getKernel(name, "cpu"));
  if (stock.some((k) => !k)) throw new Error("cpu kernels Slice/SplitV/Unpack are not registered");
  const [stockSlice, stockSplit, stockUnpack] = stock.map(
    (k) => (k as tf.KernelConfig).kernelFunc as unknown as KernelFunc,
  ) as [KernelFunc, KernelFunc, KernelFunc];
  const fast = (x: tf.TensorInfo) => x.dtype === "float32" || x.dtype === "int32" || x.dtype === "bool";
  const register = (kernelName: string, kernelFunc: KernelFunc) => {
    tf.unregisterKernel(kernelName, "cpu");
    tf.registerKernel({ kernelName, backendName: "cpu", kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  };
  register("Slice", (args) => (fast(args.inputs.x as tf.TensorInfo) ? slice(args) : stockSlice(args)));
  register("SplitV", (args) => (fast(args.inputs.x as tf.TensorInfo) ? split(args) : stockSplit(args)));
  register("Unpack", (args) => (fast(args.inputs.value as tf.TensorInfo) ? unpack(args) : stockUnpack(args)));
  originals = stock as tf.KernelConfig[];
}

/** Puts the stock cpu kernels back (benchmarks compare against stock tfjs with it). */
export function uninstallCpuKernelFixes(): void {
  if (!originals) return;
  for (const kernel of originals) {
    tf.unregisterKernel(kernel.kernelName, "cpu");
    tf.registerKernel(kernel);
  }
  originals = null;
}

function sliceBox(backend: CpuBackendLike, x: tf.TensorInfo, begin: number[], size: number[]): tf.TensorInfo {
  const src = backend.data.get(x.dataId)?.values as Float32Array | Int32Array | Uint8Array;
  const count = size.reduce((p, d) => p * d, 1);
  const dst =
    x.dtype === "int32" ? new Int32Array(count) : x.dtype === "bool" ? new Uint8Array(count) : new Float32Array(count);
  copySlice(src, x.shape, begin, size, dst);
  return backend.makeTensorInfo(size, x.dtype, dst);
}

function slice(args: KernelArgs): tf.TensorInfo {
  const x = args.inputs.x as tf.TensorInfo;
  const [begin, size] = tf.slice_util.parseSliceParams(
    x as unknown as tf.Tensor,
    args.attrs?.begin as number | number[],
    args.attrs?.size as number | number[] | undefined,
  ) as [number[], number[]];
  return sliceBox(args.backend as CpuBackendLike, x, begin, size);
}

function split(args: KernelArgs): tf.TensorInfo[] {
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
    const part = sliceBox(args.backend as CpuBackendLike, x, begin.slice(), size);
    begin[axis] = (begin[axis] as number) + s;
    return part;
  });
}

function unpack(args: KernelArgs): tf.TensorInfo[] {
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
    const part = sliceBox(args.backend as CpuBackendLike, value, begin, size);
    return { dataId: part.dataId, dtype: part.dtype, shape: outShape };
  });
}
