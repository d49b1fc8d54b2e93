import { encodePngBase64, upscaleImage } from "../../render/png-encoder";
import {
  BASELINE_SAMPLE_LIMIT,
  checkOutputShape,
  classScores,
  constantOutput,
  defineTask,
  drawForSplit,
  splitSizes,
  type Sample,
} from "../../task-helpers";
import type { Rng } from "../../random";
import type { Batch, ModelOutput, SplitName, TaskSpec } from "../../types";
import { bleu1 } from "./bleu";
import { CAPTION_END, decodeCaption, encodeCaption } from "./caption-vocabulary";
import { captioningDefinition, type CaptioningParams } from "./captioning-definition";
import { drawScene, sceneKey, type Scene } from "./scene";
import { renderScene } from "./scene-renderer";

export { CaptioningParams } from "./captioning-definition";

/**
 * The scene of a sample of `split`: shape count drawn first, then scenes until one hashes to `split` (about ten
 * draws for validation and test), so splits never share a scene.
 */
export function drawSceneForSplit(rng: Rng, split: SplitName, params: CaptioningParams): Scene {
  const count = rng.int(params.minShapes, params.maxShapes + 1);
  return drawForSplit(rng.split("scene"), split, (r) => drawScene(r, params.imageSize, count), sceneKey);
}

/** Greedy captions from per-step scores: argmax per step up to (not including) the first `<end>`. */
export function greedyCaptions(output: ModelOutput): number[][] {
  const [size, steps, classes] = output.shape;
  const captions: number[][] = [];
  for (let row = 0; row < size; row++) {
    const caption: number[] = [];
    for (let t = 0; t < steps; t++) {
      const base = (row * steps + t) * classes;
      let best = 0;
      for (let k = 1; k < classes; k++) if (output.values[base + k]! > output.values[base + best]!) best = k;
      if (best === CAPTION_END) break;
      caption.push(best);
    }
    captions.push(caption);
  }
  return captions;
}

/** Reference captions of a batch: its target ids before `<end>`. */
function references(spec: TaskSpec, batch: Batch): number[][] {
  const out: number[][] = [];
  for (let row = 0; row < batch.size; row++) {
    const start = row * spec.targetLength;
    // targetLengths counts the <end> token, which BLEU does not score.
    out.push(Array.from(batch.targets.subarray(start, start + batch.targetLengths[row]! - 1)));
  }
  return out;
}

/**
 * Captioning: a small rendered scene of one to three coloured shapes (circle, square, triangle in red, green, blue
 * or yellow) and the one canonical sentence that describes it ("a red circle left of a blue square"). One-to-many:
 * the conditioning input is the image flattened to imageSize^2 x 3 values in [0, 1] (row-major, RGB interleaved)
 * as a single input step; targets are caption token ids followed by `<end>`, padded with `<pad>` (0).
 *
 * Scenes are assigned to splits by a hash of their content (caption, rounded geometry and tints), so no
 * validation or test image appears in train; captions repeat across splits, since there are only ~3,800 of them.
 */
export const captioningTask = defineTask({
  ...captioningDefinition,
  setup(params) {
    const spec = captioningDefinition.specFor(params);
    // The scene behind each sample, for previews (shape counts); weak, so batches free it.
    const scenes = new WeakMap<Sample, Scene>();
    // Baselines score captions only; while set, samples skip rendering (synchronous, reset before returning).
    let labelsOnly = false;
    const score = (batch: Batch, output: ModelOutput): Record<string, number> => {
      checkOutputShape(spec, batch, output);
      const { accuracy, crossEntropy } = classScores(spec, batch, output);
      const b = bleu1(greedyCaptions(output), references(spec, batch));
      return { bleu1: b.bleu1, sentenceBleu1: b.sentenceBleu1, exactMatch: b.exactMatch, accuracy, crossEntropy };
    };
    return {
      spec,
      sizes: splitSizes(params),
      sample(rng, _index, split): Sample {
        const scene = drawSceneForSplit(rng, split, params);
        const tokens = [...encodeCaption(scene.caption), CAPTION_END];
        if (labelsOnly) return { input: { values: new Float32Array(0), steps: 0 }, target: { tokens } };
        const pixels = renderScene(rng.split("render"), scene);
        const values = new Float32Array(pixels.length);
        for (let i = 0; i < pixels.length; i++) values[i] = pixels[i]! / 255;
        const sample: Sample = { input: { values, steps: 1 }, target: { tokens } };
        scenes.set(sample, scene);
        return sample;
      },
      metrics: score,
      baseline(split, source) {
        // The most frequent training caption, predicted for every scene and scored like a model's output.
        labelsOnly = true;
        let train: Batch;
        let batch: Batch;
        try {
          train = source.batchOf("train");
          batch = source.batchOf(split, BASELINE_SAMPLE_LIMIT);
        } finally {
          labelsOnly = false;
        }
        const counts = new Map<string, { count: number; ids: number[] }>();
        for (let row = 0; row < train.size; row++) {
          const start = row * spec.targetLength;
          const ids = Array.from(train.targets.subarray(start, start + spec.targetLength));
          const key = ids.join(",");
          const entry = counts.get(key) ?? { count: 0, ids };
          entry.count++;
          counts.set(key, entry);
        }
        let best = { count: -1, ids: [] as number[], key: "" };
        for (const [key, entry] of counts) {
          if (entry.count > best.count || (entry.count === best.count && key < best.key)) best = { ...entry, key };
        }
        const oneHot = new Float32Array(spec.targetLength * spec.outputSize);
        best.ids.forEach((id, t) => (oneHot[t * spec.outputSize + id] = 1));
        // Cross-entropy is left out: a one-hot "probability" makes it ~69 nats per miss, which means nothing.
        const { crossEntropy: _unused, ...scores } = score(batch, constantOutput(spec, batch.size, oneHot));
        return {
          ...scores,
          trainCaptionsSeen: train.size,
          distinctTrainCaptions: counts.size,
          mostFrequentCount: best.count,
        };
      },
      preview(sample) {
        const scene = scenes.get(sample);
        const size = params.imageSize;
        const values = "values" in sample.input ? sample.input.values : new Float32Array(0);
        const pixels = new Uint8Array(values.length);
        for (let i = 0; i < values.length; i++) pixels[i] = Math.round(values[i]! * 255);
        const caption = "tokens" in sample.target ? decodeCaption(sample.target.tokens) : "";
        return {
          input: `${size}x${size} RGB scene with ${scene?.shapes.length ?? "?"} shape(s)`,
          target: caption,
          pngBase64: encodePngBase64(upscaleImage({ width: size, height: size, channels: 3, data: pixels }, 4)),
        };
      },
      decodeTarget: decodeCaption,
    };
  },
});
