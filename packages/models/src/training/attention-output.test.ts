import { createTask } from "@seqlab/datasets";
import { initBackend } from "../backend/init-backend";
import { createTrainer } from "./trainer";

beforeAll(async () => {
  await initBackend({ prefer: "cpu" });
});

describe("predictWithAttention", () => {
  it("gives predict's output and, per output step, weights over the source that sum to 1", async () => {
    const task = createTask("translation-dates", {}, 2);
    const batch = task.split("validation").batch(0, 3);
    const trainer = await createTrainer({
      model: "seq2seq-attention",
      hyperparameters: { units: 8 },
      io: task.spec,
      optimizer: { name: "adam", learningRate: 0.01, clipNorm: 1 },
      seed: 1,
    });
    try {
      const withAttention = await trainer.predictWithAttention(batch);
      const plain = await trainer.predict(batch);
      expect(withAttention).not.toBeNull();
      expect(Array.from(withAttention!.output.values)).toEqual(Array.from(plain.values));
      const [b, rows, cols] = withAttention!.attention.shape;
      expect([b, rows, cols]).toEqual([3, task.spec.targetLength, task.spec.inputLength]);
      for (let r = 0; r < b * rows; r++) {
        const row = withAttention!.attention.values.subarray(r * cols, (r + 1) * cols);
        expect(row.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 4);
      }
    } finally {
      trainer.dispose();
    }
  });

  it("is null for a model without attention", async () => {
    const task = createTask("adding", { length: 8 }, 2);
    const trainer = await createTrainer({
      model: "lstm",
      hyperparameters: { units: 4 },
      io: task.spec,
      optimizer: { name: "adam", learningRate: 0.01, clipNorm: 1 },
      seed: 1,
    });
    try {
      expect(await trainer.predictWithAttention(task.split("validation").batch(0, 2))).toBeNull();
    } finally {
      trainer.dispose();
    }
  });
});
