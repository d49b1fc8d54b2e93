import { createTask, ctcGreedy } from "@seqlab/datasets";
import { createTrainer, initBackend } from "@seqlab/models";
import { createPlayground, type PlaygroundRun } from "./playground";

jest.setTimeout(60_000);

beforeAll(async () => {
  await initBackend({ prefer: "cpu" });
});

/** A briefly trained checkpoint of `model` on the run's task, and the trainer that saved it. */
async function checkpointOf(run: PlaygroundRun, model: string, hyperparameters: Record<string, unknown>) {
  const task = createTask(run.dataset, run.datasetParams, run.seed);
  const trainer = await createTrainer({
    model,
    hyperparameters,
    io: task.spec,
    optimizer: { name: "adam", learningRate: 0.01, clipNorm: 1 },
    seed: run.seed,
  });
  for (let step = 0; step < 2; step++) await trainer.trainStep(task.split("train").batch(step, 4));
  return { task, trainer, bytes: await trainer.saveCheckpoint() };
}

describe("the checkpoint playground", () => {
  it("translates a typed date with its attention over the typed characters", async () => {
    const run = { dataset: "translation-dates", datasetParams: {}, seed: 3 };
    const { task, trainer, bytes } = await checkpointOf(run, "seq2seq-attention", { units: 8 });
    const playground = await createPlayground(bytes, run);
    try {
      expect(playground.kind).toBe("translation");
      const source = task.preview(1, "test")[0]!.input;
      const { output, attention } = await playground.translate(source);
      expect(typeof output).toBe("string");
      expect(attention.cols).toBe(Array.from(source).length);
      expect(attention.colLabels.join("")).toBe(source);
      expect(attention.values).toHaveLength(attention.rows * attention.cols);
      await expect(playground.translate("\u0000")).rejects.toThrow(/not in the input alphabet/);
      await expect(playground.readLine(new Float32Array(1))).rejects.toThrow(/not a line-image model/);
    } finally {
      playground.dispose();
      trainer.dispose();
    }
  });

  it("continues a prompt, the same text for the same seed", async () => {
    const run = { dataset: "char-lm", datasetParams: {}, seed: 4 };
    const { trainer, bytes } = await checkpointOf(run, "lstm", { units: 8 });
    const playground = await createPlayground(bytes, run);
    try {
      expect(playground.kind).toBe("char-lm");
      const a = await playground.continueText("the ", 1, 12, 7);
      expect(a).toHaveLength(12);
      expect(await playground.continueText("the ", 1, 12, 7)).toBe(a);
      await expect(playground.continueText("", 1, 5, 1)).rejects.toThrow(/at least one character/);
    } finally {
      playground.dispose();
      trainer.dispose();
    }
  });

  it("reads a test line as the trainer's own output decodes it", async () => {
    const run = { dataset: "handwriting-lines", datasetParams: { maxLength: 8, maxTextLength: 6 }, seed: 5 };
    const { task, trainer, bytes } = await checkpointOf(run, "cnn-bilstm-ctc", {});
    const playground = await createPlayground(bytes, run);
    try {
      expect(playground.kind).toBe("line-image");
      expect(playground.image).toEqual({ width: task.spec.inputLength, height: task.spec.inputFeatures });
      const line = playground.testLine(0);
      const read = await playground.readLine(line.pixels);
      const batch = task.split("test").batch(0, 1);
      const output = await trainer.predict(batch);
      const [, frames, classes] = output.shape;
      const expected = task.decodeTarget!(ctcGreedy(output.values, frames, classes, task.spec.blank!).ids);
      expect(read.text).toBe(expected);
      expect(read.alignment).toHaveLength(frames);
      expect(line.text.length).toBeGreaterThan(0);
    } finally {
      playground.dispose();
      trainer.dispose();
    }
  });
});
