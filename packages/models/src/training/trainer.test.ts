import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../backend/init-backend";
import { compatibleModels, getModelDefinition, modelCatalog } from "../model-builders";
import { Random } from "../random";
import type { ModelIO, OptimizerConfig, TrainingBatch } from "../types";
import { createTrainer, loadTrainer, readCheckpointMeta } from "./trainer";

// cpu: bit-exact and deterministic, which the exact-continuation test needs; sizes are tiny so it is also fast.
beforeAll(async () => {
  await initBackend({ prefer: "cpu" });
});

const adam: OptimizerConfig = { name: "adam", learningRate: 0.02, clipNorm: 1 };

/** Sequences of ±1 with the label "more +1 than -1" (many-to-one), optionally padded to random lengths. */
function parityIo(length: number): ModelIO {
  return {
    problemType: "many-to-one",
    inputFeatures: 1,
    inputLength: length,
    outputKind: "classes",
    outputSize: 2,
    targetLength: 1,
    heads: ["classification"],
  };
}

function majorityBatch(size: number, length: number, seed: number, padded = false): TrainingBatch {
  const r = new Random(seed);
  const inputs = new Float32Array(size * length);
  const targets = new Int32Array(size);
  const inputLengths = new Int32Array(size);
  const inputMask = new Float32Array(size * length);
  for (let s = 0; s < size; s++) {
    const n = padded ? 3 + Math.floor(r.next() * (length - 2)) : length;
    let sum = 0;
    for (let t = 0; t < n; t++) {
      const v = r.next() < 0.5 ? -1 : 1;
      inputs[s * length + t] = v;
      inputMask[s * length + t] = 1;
      sum += v;
    }
    targets[s] = sum > 0 ? 1 : 0;
    inputLengths[s] = n;
  }
  return {
    size,
    inputs,
    targets,
    inputLengths,
    targetLengths: new Int32Array(size).fill(1),
    inputMask,
    targetMask: new Float32Array(size).fill(1),
  };
}

/** Tagging with memory: the tag at step t is the sign of the input at step t-1 (0 at t = 0). */
function delayedTagBatch(size: number, length: number, seed: number): TrainingBatch {
  const r = new Random(seed);
  const inputs = new Float32Array(size * length);
  const targets = new Int32Array(size * length);
  for (let s = 0; s < size; s++) {
    for (let t = 0; t < length; t++) {
      inputs[s * length + t] = r.next() < 0.5 ? -1 : 1;
      targets[s * length + t] = t === 0 ? 0 : (inputs[s * length + t - 1] as number) > 0 ? 1 : 0;
    }
  }
  const full = new Float32Array(size * length).fill(1);
  return {
    size,
    inputs,
    targets,
    inputLengths: new Int32Array(size).fill(length),
    targetLengths: new Int32Array(size).fill(length),
    inputMask: full,
    targetMask: full,
  };
}

/** Regression: the mean of the sequence. */
function meanBatch(size: number, length: number, seed: number): TrainingBatch {
  const r = new Random(seed);
  const inputs = Float32Array.from({ length: size * length }, () => r.uniform(-1, 1));
  const targets = new Float32Array(size);
  for (let s = 0; s < size; s++)
    targets[s] = inputs.subarray(s * length, (s + 1) * length).reduce((a, v) => a + v, 0) / length;
  return {
    size,
    inputs,
    targets,
    inputLengths: new Int32Array(size).fill(length),
    targetLengths: new Int32Array(size).fill(1),
    inputMask: new Float32Array(size * length).fill(1),
    targetMask: new Float32Array(size).fill(1),
  };
}

const tagIo = (length: number): ModelIO => ({
  problemType: "many-to-many-aligned",
  inputFeatures: 1,
  inputLength: length,
  outputKind: "classes",
  outputSize: 2,
  targetLength: length,
  heads: ["tagging"],
});
const meanIo = (length: number): ModelIO => ({
  problemType: "many-to-one",
  inputFeatures: 1,
  inputLength: length,
  outputKind: "regression",
  outputSize: 1,
  targetLength: 1,
  heads: ["regression"],
});

async function lossDrop(
  model: string,
  io: ModelIO,
  make: (seed: number) => TrainingBatch,
  steps: number,
  hyperparameters: Record<string, unknown> = {},
) {
  const trainer = await createTrainer({
    model,
    hyperparameters: { units: 16, ...hyperparameters },
    io,
    optimizer: adam,
    seed: 1,
  });
  const probe = make(999);
  const before = (await trainer.evaluate(probe)).loss;
  for (let i = 0; i < steps; i++) await trainer.trainStep(make(i));
  const after = (await trainer.evaluate(probe)).loss;
  trainer.dispose();
  return { before, after };
}

describe("each model learns a tiny task", () => {
  test.each(["rnn", "lstm", "gru", "bilstm"])("%s: tagging with a one-step delay", async (model) => {
    const { before, after } = await lossDrop(model, tagIo(8), (s) => delayedTagBatch(16, 8, s), 40);
    expect(after).toBeLessThan(before * 0.3);
  });

  test.each(["gru"])("%s: padded majority vote (many-to-one, masked lengths)", async (model) => {
    const { before, after } = await lossDrop(model, parityIo(10), (s) => majorityBatch(16, 10, s, true), 50);
    expect(after).toBeLessThan(before * 0.4);
  });

  test("gru: regression of the sequence mean (masked MSE)", async () => {
    const { before, after } = await lossDrop("gru", meanIo(6), (s) => meanBatch(16, 6, s), 40);
    expect(after).toBeLessThan(before * 0.2);
  });

  test("lstm: one-to-many generation from a conditioning vector, then sampling", async () => {
    // Conditioning one-hot k in 0..2 -> tokens: k+3 repeated (k+1) times, then end. Tokens: 0 pad, 1 start, 2 end.
    const special = { start: 1, end: 2, pad: 0 };
    const L = 4;
    const io: ModelIO = {
      problemType: "one-to-many",
      inputFeatures: 3,
      inputLength: 1,
      outputKind: "classes",
      outputSize: 6,
      targetLength: L,
      heads: ["generation"],
      specialTokens: special,
      conditioningSize: 3,
    };
    const make = (seed: number): TrainingBatch => {
      const r = new Random(seed);
      const size = 12;
      const inputs = new Float32Array(size * 3);
      const targets = new Int32Array(size * L);
      const targetMask = new Float32Array(size * L);
      for (let s = 0; s < size; s++) {
        const k = Math.floor(r.next() * 3);
        inputs[s * 3 + k] = 1;
        for (let t = 0; t <= k + 1; t++) {
          targets[s * L + t] = t <= k ? k + 3 : special.end;
          targetMask[s * L + t] = 1;
        }
      }
      return {
        size,
        inputs,
        targets,
        inputLengths: new Int32Array(size).fill(1),
        targetLengths: new Int32Array(size).fill(L),
        inputMask: new Float32Array(size).fill(1),
        targetMask,
      };
    };
    const trainer = await createTrainer({
      model: "lstm",
      hyperparameters: { units: 16 },
      io,
      optimizer: adam,
      seed: 2,
    });
    expect(trainer.head).toBe("generation");
    const before = (await trainer.evaluate(make(999))).loss;
    for (let i = 0; i < 60; i++) await trainer.trainStep(make(i));
    expect((await trainer.evaluate(make(999))).loss).toBeLessThan(before * 0.1);
    const ids = await trainer.sample(Float32Array.from([0, 0, 1, 1, 0, 0]), 0, L);
    expect(Array.from(ids)).toEqual([5, 5, 5, 2, 3, 2, 0, 0]);
    trainer.dispose();
  });
});

describe("checkpoints", () => {
  const io = tagIo(6);
  const options = {
    model: "lstm",
    hyperparameters: { units: 8, layers: 2, dropout: 0.2 },
    io,
    optimizer: adam,
    seed: 5,
  };

  test("same seed, same weights; round trip gives bit-identical predictions", async () => {
    const a = await createTrainer(options);
    const b = await createTrainer(options);
    const probe = delayedTagBatch(4, 6, 77);
    expect((await a.predict(probe)).values).toEqual((await b.predict(probe)).values);
    await a.trainStep(delayedTagBatch(4, 6, 1));
    const bytes = await a.saveCheckpoint({ dataIndex: 1 });
    const meta = readCheckpointMeta(bytes);
    expect(meta).toMatchObject({
      format: "seqlab-checkpoint",
      version: 1,
      model: "lstm",
      step: 1,
      seed: 5,
      extra: { dataIndex: 1 },
    });
    expect(meta.hyperparameters).toMatchObject({ units: 8, layers: 2, dropout: 0.2, recurrentActivation: "sigmoid" });
    const { trainer: c } = await loadTrainer(bytes);
    expect(c.step).toBe(1);
    expect(c.parameterCount).toBe(a.parameterCount);
    expect((await c.predict(probe)).values).toEqual((await a.predict(probe)).values);
    [a, b, c].forEach((t) => t.dispose());
  });

  test.each(["adam", "rmsprop", "sgd"] as const)(
    "%s: N steps, checkpoint, M more == N+M straight, exactly",
    async (name) => {
      const opts = { ...options, optimizer: { ...adam, name } };
      const straight = await createTrainer(opts);
      const losses: number[] = [];
      for (let i = 0; i < 5; i++) losses.push((await straight.trainStep(delayedTagBatch(8, 6, i))).loss);
      const first = await createTrainer(opts);
      for (let i = 0; i < 3; i++) await first.trainStep(delayedTagBatch(8, 6, i));
      const { trainer: resumed } = await loadTrainer(await first.saveCheckpoint());
      const resumedLosses: number[] = [];
      for (let i = 3; i < 5; i++) resumedLosses.push((await resumed.trainStep(delayedTagBatch(8, 6, i))).loss);
      expect(resumedLosses).toEqual(losses.slice(3));
      const probe = delayedTagBatch(4, 6, 77);
      expect((await resumed.predict(probe)).values).toEqual((await straight.predict(probe)).values);
      expect(await resumed.saveCheckpoint()).toEqual(await straight.saveCheckpoint());
      [straight, first, resumed].forEach((t) => t.dispose());
    },
  );

  test("corrupt bytes are rejected with a reason", async () => {
    expect(() => readCheckpointMeta(new Uint8Array([1, 2, 3]))).toThrow(/not a seqlab checkpoint/);
    const t = await createTrainer(options);
    const bytes = await t.saveCheckpoint();
    await expect(loadTrainer(bytes.subarray(0, bytes.length - 8))).rejects.toThrow(/truncated/);
    t.dispose();
  });
});

describe("memory", () => {
  test("no tensor survives a step, an evaluation or a checkpoint, and dispose frees every weight and slot", async () => {
    const before = tf.memory().numTensors;
    const trainer = await createTrainer({
      model: "bilstm",
      hyperparameters: { units: 4, layers: 2, dropout: 0.1 },
      io: parityIo(10),
      optimizer: adam,
      seed: 1,
    });
    const held = tf.memory().numTensors;
    for (let i = 0; i < 2; i++) {
      await trainer.trainStep(majorityBatch(4, 10, i, true));
      await trainer.evaluate(majorityBatch(4, 10, 9, true));
      await trainer.saveCheckpoint();
      expect(tf.memory().numTensors).toBe(held);
    }
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("catalog and hyperparameters", () => {
  test("catalog names and head compatibility", () => {
    expect(modelCatalog.map((m) => m.name)).toEqual(expect.arrayContaining(["rnn", "lstm", "gru", "bilstm"]));
    expect(compatibleModels(["generation"]).map((m) => m.name)).not.toContain("bilstm");
    expect(compatibleModels(["tagging"]).map((m) => m.name)).toContain("bilstm");
    expect(getModelDefinition("bilstm").hyperparameters.parse({})).toMatchObject({
      units: 128,
      layers: 1,
      dropout: 0,
      merge: "concat",
      recurrentActivation: "sigmoid",
    });
  });

  test("unknown model names list the known ones", () => {
    expect(() => getModelDefinition("transformer")).toThrow(
      /Unknown model "transformer". Known models: rnn, lstm, gru, bilstm/,
    );
  });

  test("bad hyperparameters are rejected naming the field", async () => {
    const make = (hyperparameters: unknown) =>
      createTrainer({ model: "bilstm", hyperparameters, io: tagIo(4), optimizer: adam, seed: 1 });
    await expect(make({ units: 0 })).rejects.toThrow(/units:/);
    await expect(make({ units: 8, dropout: 1.5 })).rejects.toThrow(/dropout:/);
    await expect(make({ merge: "mul" })).rejects.toThrow(/merge:/);
    await expect(make({ layers: 2.5 })).rejects.toThrow(/layers:/);
    await expect(make({ unitz: 8 })).rejects.toThrow(/unitz/);
    await expect(
      createTrainer({
        model: "lstm",
        hyperparameters: {},
        io: tagIo(4),
        optimizer: { ...adam, clipNorm: -1 },
        seed: 1,
      }),
    ).rejects.toThrow(/clipNorm/);
  });

  test("a task without a compatible head is refused", async () => {
    const io: ModelIO = { ...tagIo(4), heads: ["generation"], problemType: "one-to-many" };
    await expect(createTrainer({ model: "bilstm", hyperparameters: {}, io, optimizer: adam, seed: 1 })).rejects.toThrow(
      /supports heads/,
    );
  });
});
