import { createTask } from "@seqlab/datasets";
import { initBackend } from "../backend/init-backend";
import { decodeCheckpoint, encodeCheckpoint, type CheckpointTensor } from "../checkpoint";
import { createTrainer } from "../training/trainer";
import type { CheckpointMeta } from "../types";
import { CheckpointExportError } from "./checkpoint-export-error";
import { checkpointToSafetensors } from "./safetensors";

beforeAll(async () => {
  await initBackend({ prefer: "cpu" });
});

interface ReadTensor {
  dtype: string;
  shape: number[];
  /** The tensor's raw bytes. */
  bytes: Uint8Array;
}

/**
 * A safetensors reader written from the format's specification, sharing nothing with the writer: it checks what
 * the reference implementation checks (header length, a JSON object with string metadata, data offsets that tile
 * the data section exactly, sizes that match dtype and shape) and returns each tensor's raw bytes.
 */
function readSafetensors(file: Uint8Array): { metadata: Record<string, string>; tensors: Map<string, ReadTensor> } {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  expect(8 + headerLength).toBeLessThanOrEqual(file.length);
  const text = new TextDecoder("utf-8", { fatal: true }).decode(file.subarray(8, 8 + headerLength));
  expect(text.startsWith("{")).toBe(true);
  const header = JSON.parse(text) as Record<string, unknown>;
  const { __metadata__: metadata = {}, ...entries } = header as { __metadata__?: Record<string, unknown> };
  for (const value of Object.values(metadata)) expect(typeof value).toBe("string");
  const data = file.subarray(8 + headerLength);
  const itemSize: Record<string, number> = { F32: 4, I32: 4, F16: 2, BF16: 2, F64: 8, I64: 8, U8: 1, I8: 1 };
  const spans: [number, number][] = [];
  const tensors = new Map<string, ReadTensor>();
  for (const [name, entry] of Object.entries(entries)) {
    const { dtype, shape, data_offsets } = entry as { dtype: string; shape: number[]; data_offsets: [number, number] };
    const [begin, end] = data_offsets;
    expect(end - begin).toBe((itemSize[dtype] as number) * shape.reduce((p, d) => p * d, 1));
    spans.push([begin, end]);
    tensors.set(name, { dtype, shape, bytes: data.subarray(begin, end) });
  }
  spans.sort((a, b) => a[0] - b[0]);
  let covered = 0;
  for (const [begin, end] of spans) {
    expect(begin).toBe(covered);
    covered = end;
  }
  expect(covered).toBe(data.length);
  return { metadata: metadata as Record<string, string>, tensors };
}

/**
 * Each tensor's bytes as they lie in the checkpoint file, found from the layout ../checkpoint.ts documents (magic,
 * uint32 header length, JSON header, data from the next multiple of 4), not through its decoder.
 */
function checkpointBytes(file: Uint8Array): Map<string, { dtype: string; shape: number[]; bytes: Uint8Array }> {
  const length = new DataView(file.buffer, file.byteOffset).getUint32(8, true);
  const header = JSON.parse(new TextDecoder().decode(file.subarray(12, 12 + length))) as {
    tensors: { name: string; dtype: string; shape: number[]; offset: number; length: number }[];
  };
  const dataStart = Math.ceil((12 + length) / 4) * 4;
  return new Map(
    header.tensors.map((t) => [
      t.name,
      {
        dtype: t.dtype,
        shape: t.shape,
        bytes: file.subarray(dataStart + t.offset, dataStart + t.offset + 4 * t.length),
      },
    ]),
  );
}

function expectEveryTensor(bytes: Uint8Array, file: Uint8Array): void {
  const stored = checkpointBytes(bytes);
  const read = readSafetensors(file);
  expect([...read.tensors.keys()]).toEqual([...stored.keys()]);
  expect([...stored.keys()]).toEqual(decodeCheckpoint(bytes).tensors.map((t) => t.name));
  for (const [name, t] of stored) {
    const got = read.tensors.get(name) as ReadTensor;
    expect({ name, dtype: got.dtype, shape: got.shape }).toEqual({
      name,
      dtype: t.dtype === "float32" ? "F32" : "I32",
      shape: t.shape,
    });
    expect(Buffer.from(got.bytes).equals(Buffer.from(t.bytes))).toBe(true);
  }
}

const meta = (model: string, extra?: Record<string, unknown>): CheckpointMeta => ({
  format: "seqlab-checkpoint",
  version: 1,
  model,
  hyperparameters: { units: 3, note: "ünïcode ✓" },
  io: {
    problemType: "many-to-one",
    inputFeatures: 2,
    inputLength: 4,
    outputKind: "regression",
    outputSize: 1,
    targetLength: 1,
    heads: ["regression"],
  },
  optimizer: { name: "adam", learningRate: 0.001, clipNorm: 1 },
  seed: 42,
  step: 17,
  ...(extra ? { extra } : {}),
});

describe("checkpointToSafetensors", () => {
  it("keeps every tensor of a trained checkpoint (weights and optimiser state) bit for bit", async () => {
    const task = createTask("adding", { length: 6 }, 1);
    const trainer = await createTrainer({
      model: "bilstm",
      hyperparameters: { units: 4, layers: 2 },
      io: task.spec,
      optimizer: { name: "adam", learningRate: 0.01, clipNorm: 1 },
      seed: 3,
    });
    await trainer.trainStep(task.split("train").batch(0, 4));
    const bytes = await trainer.saveCheckpoint({ batchIndex: 1 });
    trainer.dispose();
    const file = checkpointToSafetensors(bytes);
    expectEveryTensor(bytes, file);
    const names = [...readSafetensors(file).tensors.keys()];
    expect(names).toContain("model/layer1/backward/recurrent_kernel");
    expect(names).toContain("optimizer/adam/v/output/bias");
  });

  it("keeps int32 tensors, scalars, empty tensors and every float bit pattern", () => {
    const specials = new Float32Array([NaN, -0, Infinity, -Infinity, 1e-45, 3.4028235e38, -1.5]);
    // A NaN with a payload: a reader that goes through numbers instead of bytes could lose it.
    new Uint32Array(specials.buffer)[0] = 0x7fc0_1234;
    const tensors: CheckpointTensor[] = [
      { name: "model/specials", dtype: "float32", shape: [7], values: specials },
      { name: "model/ids", dtype: "int32", shape: [2, 2], values: new Int32Array([-2147483648, -1, 0, 2147483647]) },
      { name: "model/scalar", dtype: "float32", shape: [], values: new Float32Array([0.5]) },
      { name: "model/empty", dtype: "float32", shape: [0, 3], values: new Float32Array(0) },
    ];
    const bytes = encodeCheckpoint(meta("lstm"), tensors);
    const file = checkpointToSafetensors(bytes);
    expectEveryTensor(bytes, file);
    const nan = readSafetensors(file).tensors.get("model/specials") as ReadTensor;
    expect(new DataView(nan.bytes.buffer, nan.bytes.byteOffset).getUint32(0, true)).toBe(0x7fc0_1234);
  });

  it("writes the metadata as strings, the structured fields as JSON text", () => {
    const m = meta("wavenet", { batchIndex: 9, rng: [1, 2] });
    const { metadata } = readSafetensors(checkpointToSafetensors(encodeCheckpoint(m, [])));
    expect(metadata).toEqual({
      format: "seqlab-checkpoint",
      version: "1",
      model: "wavenet",
      step: "17",
      seed: "42",
      hyperparameters: expect.any(String),
      io: expect.any(String),
      optimizer: expect.any(String),
      extra: expect.any(String),
    });
    expect(JSON.parse(metadata.hyperparameters as string)).toEqual(m.hyperparameters);
    expect(JSON.parse(metadata.io as string)).toEqual(m.io);
    expect(JSON.parse(metadata.optimizer as string)).toEqual(m.optimizer);
    expect(JSON.parse(metadata.extra as string)).toEqual(m.extra);
    expect(readSafetensors(checkpointToSafetensors(encodeCheckpoint(meta("rnn"), []))).metadata).not.toHaveProperty(
      "extra",
    );
  });

  it("pads the header with spaces so that the data starts 8-byte aligned", () => {
    for (const name of ["a", "ab", "abc", "abcd", "abcde", "abcdef", "abcdefg", "abcdefgh"]) {
      const tensors: CheckpointTensor[] = [{ name, dtype: "float32", shape: [1], values: new Float32Array([1]) }];
      const file = checkpointToSafetensors(encodeCheckpoint(meta("rnn"), tensors));
      const headerLength = Number(new DataView(file.buffer).getBigUint64(0, true));
      expect(headerLength % 8).toBe(0);
      const header = new TextDecoder().decode(file.subarray(8, 8 + headerLength));
      expect(header.trimEnd().endsWith("}")).toBe(true);
      expect(/^ *$/.test(header.slice(header.trimEnd().length))).toBe(true);
      expect(file.length).toBe(8 + headerLength + 4);
    }
  });

  it("refuses bytes that are not a seqlab checkpoint with a CheckpointExportError", () => {
    expect(() => checkpointToSafetensors(new TextEncoder().encode("NOTACKPT\u0000\u0000\u0000\u0000"))).toThrow(
      new CheckpointExportError(
        "the artifact is not a readable seqlab checkpoint: not a seqlab checkpoint: bad magic bytes",
      ),
    );
    const truncated = encodeCheckpoint(meta("rnn"), [
      { name: "w", dtype: "float32", shape: [4], values: new Float32Array(4) },
    ]).subarray(0, -4);
    expect(() => checkpointToSafetensors(truncated)).toThrow(/checkpoint truncated inside tensor "w"/);
  });
});
