import { createTask } from "../catalog";
import type { Batch, ModelOutput, TaskInstance } from "../types";
import { scoreWholeSplit } from "./whole-split";

/**
 * A per-sample deterministic "model": regression predicts the target plus an error made from the sample's own
 * inputs; classification puts its logit on the target class except where an input-derived hash says otherwise.
 * Its output on a sample is the same whichever batch the sample comes in, so scoring the split in batches must
 * equal scoring it in one batch of every sample.
 */
function fakeModel(task: TaskInstance) {
  const { targetLength: steps, outputSize: width, outputKind, inputLength, inputFeatures } = task.spec;
  return async (batch: Batch): Promise<ModelOutput> => {
    const values = new Float32Array(batch.size * steps * width);
    for (let s = 0; s < batch.size; s++) {
      let h = 0;
      for (let k = 0; k < inputLength * inputFeatures; k += 7) h += batch.inputs[s * inputLength * inputFeatures + k]!;
      for (let t = 0; t < steps; t++) {
        const base = (s * steps + t) * width;
        if (outputKind === "regression") {
          for (let f = 0; f < width; f++) values[base + f] = batch.targets[base + f]! + 0.1 * Math.sin(h + t + f);
        } else {
          const target = batch.targets[s * steps + t]!;
          const wrong = Math.sin(h * 13 + t) > 0.6;
          values[base + (wrong ? (target + 1) % width : target)] = 5;
        }
      }
    }
    return { values, shape: [batch.size, steps, width] };
  };
}

describe("scoreWholeSplit", () => {
  it.each([
    ["adding", { length: 12, testSize: 23 }],
    ["translation-dates", { testSize: 19 }],
    ["babi-qa", { testSize: 17 }],
  ])("scores every sample of %s's test split once, whatever the batch size", async (name, params) => {
    const task = createTask(name, params, 4);
    const model = fakeModel(task);
    const size = task.split("test").size;
    const reference = task.metrics(task.split("test").batch(0, size), await model(task.split("test").batch(0, size)));
    for (const batchSize of [1, 5, 8, size, size + 3]) {
      const { metrics, samples } = await scoreWholeSplit(task, "test", batchSize, model);
      expect(samples).toBe(size);
      for (const [key, value] of Object.entries(reference)) expect(metrics[key]).toBeCloseTo(value, 6);
    }
  });

  it("differs from scoring the first batch alone (the old one-batch validation)", async () => {
    const task = createTask("adding", { length: 12, testSize: 40 }, 4);
    const model = fakeModel(task);
    const whole = await scoreWholeSplit(task, "test", 8, model);
    const first = task.metrics(task.split("test").batch(0, 8), await model(task.split("test").batch(0, 8)));
    expect(whole.metrics.mse).not.toBeCloseTo(first.mse!, 6);
  });
});
