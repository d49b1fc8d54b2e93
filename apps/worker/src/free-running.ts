import type { Batch, ModelOutput, TaskInstance } from "@seqlab/datasets";
import type { SequenceTrainer } from "@seqlab/models";

/**
 * What a metric should score: the model's own output without the targets. `predict` already is that for every head
 * but "generation" (captioning), whose forward pass is teacher-forced: there the caption is sampled greedily from
 * the image alone and handed over as one-hot scores, so BLEU is of captions the model writes, not of next-word
 * guesses given the true caption.
 */
export async function freeRunningOutput(
  task: TaskInstance,
  trainer: SequenceTrainer,
  batch: Batch,
): Promise<ModelOutput> {
  if (trainer.head !== "generation") return trainer.predict(batch);
  const { inputLength, inputFeatures, targetLength, outputSize } = task.spec;
  // The decoder is conditioned on the first input step (RecurrentNetwork.forward's conditioning).
  const conditioning = new Float32Array(batch.size * inputFeatures);
  for (let s = 0; s < batch.size; s++) {
    const at = s * inputLength * inputFeatures;
    conditioning.set(batch.inputs.subarray(at, at + inputFeatures), s * inputFeatures);
  }
  const ids = await trainer.sample(conditioning, 0, targetLength);
  const values = new Float32Array(batch.size * targetLength * outputSize);
  ids.forEach((id, k) => {
    if (id >= 0 && id < outputSize) values[k * outputSize + id] = 1;
  });
  return { values, shape: [batch.size, targetLength, outputSize] };
}
