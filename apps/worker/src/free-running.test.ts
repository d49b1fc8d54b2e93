import { argmaxPath, createTask } from "@seqlab/datasets";
import { createTrainer, initBackend } from "@seqlab/models";
import { freeRunningOutput } from "./free-running";

beforeAll(async () => {
  await initBackend({ prefer: "cpu" });
});

describe("what metrics score", () => {
  it("is the caption a generation model writes from the image alone, not its teacher-forced output", async () => {
    const task = createTask("captioning", {}, 2);
    const trainer = await createTrainer({
      model: "lstm",
      hyperparameters: { units: 8 },
      io: task.spec,
      optimizer: { name: "adam", learningRate: 0.01, clipNorm: 1 },
      seed: 2,
    });
    try {
      const batch = task.split("validation").batch(0, 3);
      const free = await freeRunningOutput(task, trainer, batch);
      const { targetLength, outputSize, inputLength, inputFeatures } = task.spec;
      const conditioning = new Float32Array(3 * inputFeatures);
      for (let s = 0; s < 3; s++) {
        conditioning.set(
          batch.inputs.subarray(s * inputLength * inputFeatures, s * inputLength * inputFeatures + inputFeatures),
          s * inputFeatures,
        );
      }
      const sampled = Array.from(await trainer.sample(conditioning, 0, targetLength));
      const read = [0, 1, 2].flatMap((s) =>
        argmaxPath(free.values.subarray(s * targetLength * outputSize), targetLength, outputSize),
      );
      expect(read).toEqual(sampled);
      const forced = await trainer.predict(batch);
      expect(Array.from(free.values)).not.toEqual(Array.from(forced.values));
    } finally {
      trainer.dispose();
    }
  });

  it("is predict's output for every other head", async () => {
    const task = createTask("adding", { length: 6 }, 2);
    const trainer = await createTrainer({
      model: "rnn",
      hyperparameters: { units: 4 },
      io: task.spec,
      optimizer: { name: "adam", learningRate: 0.01, clipNorm: 1 },
      seed: 2,
    });
    try {
      const batch = task.split("validation").batch(0, 2);
      expect(await freeRunningOutput(task, trainer, batch)).toEqual(await trainer.predict(batch));
    } finally {
      trainer.dispose();
    }
  });
});
