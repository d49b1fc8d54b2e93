import { initBackend } from "../backend/init-backend";
import { compatibleModels, getModelDefinition } from "../model-builders";
import { Random } from "../random";
import type { ModelIO, OptimizerConfig, TrainingBatch } from "../types";
import { createTrainer, loadTrainer } from "./trainer";

// cpu: deterministic, and these models are tiny here.
beforeAll(async () => {
  await initBackend({ prefer: "cpu" });
});

const adam: OptimizerConfig = { name: "adam", learningRate: 0.02, clipNorm: 1 };

/**
 * A tiny CTC task: inputs are one-hot symbols 1..3 held for 2 steps each (feature 0 = silence), the label is the
 * symbol sequence. Blank is class 0.
 */
function ctcBatch(size: number, seed: number, steps = 8): TrainingBatch {
  const r = new Random(seed);
  const labelLength = steps / 2;
  const inputs = new Float32Array(size * steps * 4);
  const targets = new Int32Array(size * labelLength);
  for (let s = 0; s < size; s++) {
    for (let k = 0; k < labelLength; k++) {
      const symbol = 1 + Math.floor(r.next() * 3);
      targets[s * labelLength + k] = symbol;
      inputs[(s * steps + 2 * k) * 4 + symbol] = 1;
      inputs[(s * steps + 2 * k + 1) * 4] = 1;
    }
  }
  return {
    size,
    inputs,
    targets,
    inputLengths: new Int32Array(size).fill(steps),
    targetLengths: new Int32Array(size).fill(labelLength),
    inputMask: new Float32Array(size * steps).fill(1),
    targetMask: new Float32Array(size * labelLength).fill(1),
  };
}
const ctcIo: ModelIO = {
  problemType: "many-to-many-unaligned",
  inputFeatures: 4,
  inputLength: 8,
  outputKind: "classes",
  outputSize: 4,
  targetLength: 4,
  heads: ["ctc"],
  blank: 0,
};

async function lossDrop(
  model: string,
  hyperparameters: Record<string, unknown>,
  io: ModelIO,
  make: (seed: number) => TrainingBatch,
  steps: number,
) {
  const trainer = await createTrainer({ model, hyperparameters, io, optimizer: adam, seed: 3 });
  const probe = make(999);
  const before = (await trainer.evaluate(probe)).loss;
  for (let i = 0; i < steps; i++) await trainer.trainStep(make(i));
  const after = (await trainer.evaluate(probe)).loss;
  trainer.dispose();
  return { before, after };
}

describe("ctc head and the models built in ./wavenet, ./seq2seq and ./ctc", () => {
  test("catalog has the delegated entries with their own schemas", () => {
    expect(compatibleModels(["ctc"]).map((m) => m.name)).toEqual(
      expect.arrayContaining(["lstm", "bilstm", "wavenet", "cnn-bilstm-ctc"]),
    );
    expect(compatibleModels(["seq2seq"]).map((m) => m.name)).toEqual(["seq2seq-attention"]);
    expect(getModelDefinition("wavenet").hyperparameters.safeParse({ residualChannels: 1 }).success).toBe(false);
  });

  test("bilstm with a ctc head learns the tiny CTC task", async () => {
    const { before, after } = await lossDrop("bilstm", { units: 16 }, ctcIo, (s) => ctcBatch(8, s), 30);
    expect(after).toBeLessThan(before * 0.3);
  });

  test("wavenet with a ctc head learns the tiny CTC task", async () => {
    const { before, after } = await lossDrop(
      "wavenet",
      { residualChannels: 16, skipChannels: 16, dilations: [1, 2] },
      ctcIo,
      (s) => ctcBatch(8, s),
      30,
    );
    expect(after).toBeLessThan(before * 0.5);
  });

  test("cnn-bilstm-ctc trains (loss falls) and resumes from a checkpoint exactly", async () => {
    const io: ModelIO = { ...ctcIo, inputLength: 16, targetLength: 4 };
    const make = (seed: number) => {
      // Each symbol held for 4 columns, so a window of 4 columns every 2 sees it.
      const b = ctcBatch(8, seed, 8);
      const wide = new Float32Array(8 * 16 * 4);
      for (let s = 0; s < 8; s++)
        for (let t = 0; t < 16; t++)
          wide.set(b.inputs.subarray((s * 8 + (t >> 1)) * 4, (s * 8 + (t >> 1)) * 4 + 4), (s * 16 + t) * 4);
      return {
        ...b,
        inputs: wide,
        inputLengths: new Int32Array(8).fill(16),
        inputMask: new Float32Array(8 * 16).fill(1),
      };
    };
    const hp = { convChannels: 8, windowWidth: 4, windowStride: 2, windowFeatures: 16, lstmUnits: 16 };
    const { before, after } = await lossDrop("cnn-bilstm-ctc", hp, io, make, 20);
    expect(after).toBeLessThan(before * 0.7);
    const straight = await createTrainer({
      model: "cnn-bilstm-ctc",
      hyperparameters: hp,
      io,
      optimizer: adam,
      seed: 4,
    });
    const half = await createTrainer({ model: "cnn-bilstm-ctc", hyperparameters: hp, io, optimizer: adam, seed: 4 });
    for (let i = 0; i < 2; i++) {
      await straight.trainStep(make(i));
      await half.trainStep(make(i));
    }
    const { trainer: resumed } = await loadTrainer(await half.saveCheckpoint());
    expect((await resumed.trainStep(make(2))).loss).toBe((await straight.trainStep(make(2))).loss);
    [straight, half, resumed].forEach((t) => t.dispose());
  });

  test("seq2seq-attention learns to reverse three tokens (teacher forcing)", async () => {
    // Tokens: 0 pad, 1 start, 2 end, 3..5 symbols. Input: one-hot symbols; target: reversed symbols then end.
    const special = { start: 1, end: 2, pad: 0 };
    const io: ModelIO = {
      problemType: "many-to-many-unaligned",
      inputFeatures: 6,
      inputLength: 3,
      outputKind: "classes",
      outputSize: 6,
      targetLength: 4,
      heads: ["seq2seq"],
      specialTokens: special,
    };
    const make = (seed: number): TrainingBatch => {
      const r = new Random(seed);
      const size = 8;
      const inputs = new Float32Array(size * 3 * 6);
      const targets = new Int32Array(size * 4);
      for (let s = 0; s < size; s++) {
        const symbols = [0, 1, 2].map(() => 3 + Math.floor(r.next() * 3));
        symbols.forEach((v, t) => (inputs[(s * 3 + t) * 6 + v] = 1));
        [...symbols].reverse().forEach((v, t) => (targets[s * 4 + t] = v));
        targets[s * 4 + 3] = special.end;
      }
      return {
        size,
        inputs,
        targets,
        inputLengths: new Int32Array(size).fill(3),
        targetLengths: new Int32Array(size).fill(4),
        inputMask: new Float32Array(size * 3).fill(1),
        targetMask: new Float32Array(size * 4).fill(1),
      };
    };
    const { before, after } = await lossDrop(
      "seq2seq-attention",
      { hiddenSize: 16, embeddingSize: 8, attentionSize: 8 },
      io,
      make,
      30,
    );
    expect(after).toBeLessThan(before * 0.5);
    // predict decodes free-running (no targets given to the decoder): same shape as the teacher-forced logits.
    const trainer = await createTrainer({
      model: "seq2seq-attention",
      hyperparameters: { hiddenSize: 8 },
      io,
      optimizer: adam,
      seed: 1,
    });
    const batch = make(5);
    const free = await trainer.predict(batch);
    expect(free.shape).toEqual([8, 4, 6]);
    const scrambled = { ...batch, targets: batch.targets.map((v) => (v === 2 ? 2 : 3 + ((v - 2) % 3))) as Int32Array };
    // Free-running output cannot depend on the targets.
    expect((await trainer.predict(scrambled)).values).toEqual(free.values);
    trainer.dispose();
  });
});
