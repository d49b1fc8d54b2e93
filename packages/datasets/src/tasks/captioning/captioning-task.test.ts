import { splitOfContent } from "../../task-helpers";
import { decodePng } from "../../render/png-decoder";
import { createRng } from "../../random";
import type { Batch } from "../../types";
import { bleu1 } from "./bleu";
import { CAPTION_END, CAPTION_VOCABULARY, decodeCaption } from "./caption-vocabulary";
import { CaptioningParams, captioningTask, drawSceneForSplit } from "./captioning-task";
import { captionOf, drawScene, longestCaption, sceneKey } from "./scene";
import { renderScene } from "./scene-renderer";

const params = CaptioningParams.parse({ trainSize: 600, validationSize: 200, testSize: 200 });
const task = captioningTask.create(params, 5);
const { spec } = task;

function captions(batch: Batch): string[] {
  const out: string[] = [];
  for (let row = 0; row < batch.size; row++) {
    out.push(decodeCaption(batch.targets.subarray(row * spec.targetLength, (row + 1) * spec.targetLength)));
  }
  return out;
}

function oneHotOf(batch: Batch): Float32Array {
  const values = new Float32Array(batch.size * spec.targetLength * spec.outputSize);
  for (let i = 0; i < batch.size * spec.targetLength; i++) values[i * spec.outputSize + batch.targets[i]!] = 1;
  return values;
}

describe("captioning spec", () => {
  it("conditions on the flattened image as one step and generates caption tokens", () => {
    expect(spec).toEqual({
      problemType: "one-to-many",
      inputFeatures: 32 * 32 * 3,
      inputLength: 1,
      outputKind: "classes",
      outputSize: CAPTION_VOCABULARY.length,
      targetLength: 16,
      heads: ["generation"],
      specialTokens: { start: 1, end: 2, pad: 0 },
      conditioningSize: 32 * 32 * 3,
    });
    expect(longestCaption(3)).toBe(15);
  });
});

describe("captions", () => {
  it("are the one canonical sentence for each layout", () => {
    const shape = (kind: "circle" | "square" | "triangle", colour: "red" | "blue" | "green") => ({
      kind,
      colour,
      x: 0,
      y: 0,
      radius: 1,
      tint: [0, 0, 0] as [number, number, number],
    });
    expect(captionOf([shape("circle", "red")], "left").join(" ")).toBe("a red circle on the left");
    expect(captionOf([shape("circle", "red")], "top").join(" ")).toBe("a red circle at the top");
    expect(captionOf([shape("circle", "red"), shape("square", "blue")], "row").join(" ")).toBe(
      "a red circle left of a blue square",
    );
    expect(captionOf([shape("circle", "red"), shape("square", "blue")], "column").join(" ")).toBe(
      "a red circle above a blue square",
    );
    expect(decodeCaption([3, 4, 8, 22, 3, 5, 9, 23, 3, 6, 10, 24, 11, 25, 12, 2, 0])).toBe(
      "a red circle, a green square and a blue triangle from left to right",
    );
  });

  it("match where the shapes are drawn: rows left to right, columns top to bottom, singles in their region", () => {
    for (let i = 0; i < 300; i++) {
      const rng = createRng(1, i);
      const scene = drawScene(rng, 32, rng.int(1, 4));
      const { shapes, layout } = scene;
      if (layout === "row")
        for (let k = 1; k < shapes.length; k++) expect(shapes[k]!.x - shapes[k - 1]!.x).toBeGreaterThan(5);
      if (layout === "column")
        for (let k = 1; k < shapes.length; k++) expect(shapes[k]!.y - shapes[k - 1]!.y).toBeGreaterThan(5);
      if (layout === "left") expect(shapes[0]!.x).toBeLessThan(10);
      if (layout === "right") expect(shapes[0]!.x).toBeGreaterThan(22);
      if (layout === "top") expect(shapes[0]!.y).toBeLessThan(10);
      if (layout === "bottom") expect(shapes[0]!.y).toBeGreaterThan(22);
      // Shapes stay inside the image and never overlap (their bounding circles are apart).
      for (const s of shapes) {
        expect(s.x - s.radius).toBeGreaterThanOrEqual(0);
        expect(s.x + s.radius).toBeLessThanOrEqual(32);
        expect(s.y - s.radius).toBeGreaterThanOrEqual(0);
        expect(s.y + s.radius).toBeLessThanOrEqual(32);
      }
      for (let a = 0; a < shapes.length; a++) {
        for (let b = a + 1; b < shapes.length; b++) {
          const d = Math.hypot(shapes[a]!.x - shapes[b]!.x, shapes[a]!.y - shapes[b]!.y);
          expect(d).toBeGreaterThan(shapes[a]!.radius + shapes[b]!.radius);
        }
      }
    }
  });

  it("render shapes in their colour at their centre", () => {
    const rng = createRng(2);
    const scene = drawScene(rng, 32, 1);
    const image = renderScene(rng, scene);
    const s = scene.shapes[0]!;
    const i = (Math.floor(s.y + (s.kind === "triangle" ? s.radius * 0.3 : 0)) * 32 + Math.floor(s.x)) * 3;
    const [r, g, b] = [image[i]!, image[i + 1]!, image[i + 2]!];
    const dominant = {
      red: r > g && r > b,
      green: g > r && g > b,
      blue: b > r && b > g,
      yellow: r > b + 80 && g > b + 80,
    };
    expect(dominant[s.colour]).toBe(true);
  });
});

describe("captioning batches", () => {
  const batch = task.split("train").batch(0, 32);

  it("are byte-identical for the same seed and differ for another seed", () => {
    const again = captioningTask.create(params, 5).split("train").batch(0, 32);
    expect(Buffer.from(again.inputs.buffer).equals(Buffer.from(batch.inputs.buffer))).toBe(true);
    expect(Array.from(again.targets)).toEqual(Array.from(batch.targets));
    const other = captioningTask.create(params, 6).split("train").batch(0, 32);
    expect(Buffer.from(other.inputs.buffer).equals(Buffer.from(batch.inputs.buffer))).toBe(false);
  });

  it("hold [32, 1, 3072] images in [0, 1] and captions ending in <end>, padded with 0", () => {
    expect(batch.inputs.length).toBe(32 * 3072);
    expect(batch.inputs.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(Array.from(batch.inputLengths)).toEqual(new Array(32).fill(1));
    for (let row = 0; row < 32; row++) {
      const length = batch.targetLengths[row]!;
      expect([7, 8, 9, 16]).toContain(length); // 6 words for one shape, 7-8 for two, 15 for three, plus <end>
      expect(batch.targets[row * 16 + length - 1]).toBe(CAPTION_END);
      for (let t = 0; t < 16; t++) {
        expect(batch.targetMask[row * 16 + t]).toBe(t < length ? 1 : 0);
        if (t >= length) expect(batch.targets[row * 16 + t]).toBe(0);
      }
    }
  });

  it("cover every shape count, colour and shape word", () => {
    const text = captions(batch).join(" ");
    for (const word of ["red", "green", "blue", "yellow", "circle", "square", "triangle", "left", "from"]) {
      expect(text).toContain(word);
    }
  });
});

describe("captioning splits", () => {
  it("draw only scenes whose content hashes to the split, so splits never share a scene", () => {
    for (const split of ["train", "validation", "test"] as const) {
      for (let i = 0; i < 200; i++) {
        const scene = drawSceneForSplit(createRng(5, split, i), split, params);
        expect(splitOfContent(sceneKey(scene))).toBe(split);
      }
    }
  });

  it("never draw the same scene (caption, geometry, tints) in two splits", () => {
    const keys = new Map<string, string>();
    for (const split of ["train", "validation"] as const) {
      for (let i = 0; i < 300; i++) {
        const key = sceneKey(drawSceneForSplit(createRng(5, split, i), split, params));
        expect(keys.has(key) && keys.get(key) !== split).toBe(false);
        keys.set(key, split);
      }
    }
  });
});

describe("captioning metrics", () => {
  const batch = task.split("validation").batch(0, 16);

  it("score the reference itself as BLEU-1 1, exact match 1, accuracy 1", () => {
    const m = task.metrics(batch, { values: oneHotOf(batch), shape: [16, 16, spec.outputSize] });
    expect(m.bleu1).toBe(1);
    expect(m.exactMatch).toBe(1);
    expect(m.accuracy).toBe(1);
  });

  it("score an immediate <end> as BLEU-1 0", () => {
    const values = new Float32Array(16 * 16 * spec.outputSize);
    for (let i = 0; i < 16 * 16; i++) values[i * spec.outputSize + CAPTION_END] = 1;
    expect(task.metrics(batch, { values, shape: [16, 16, spec.outputSize] }).bleu1).toBe(0);
  });

  it("BLEU-1 clips repeated words and penalizes short candidates", () => {
    // Papineni et al.'s example: "the the the ..." against a reference with two "the" has precision 2/7.
    expect(bleu1([[1, 1, 1, 1, 1, 1, 1]], [[1, 2, 3, 1, 4, 5, 6]]).bleu1).toBeCloseTo(2 / 7, 10);
    expect(bleu1([[1, 2]], [[1, 2, 3, 4]]).bleu1).toBeCloseTo(Math.exp(1 - 2), 10);
  });
});

describe("captioning baseline", () => {
  it("predicts the most frequent training caption: low BLEU-1, almost never exact", () => {
    const baseline = task.baseline("validation");
    expect(baseline.bleu1).toBeGreaterThan(0.1);
    expect(baseline.bleu1).toBeLessThan(0.5);
    expect(baseline.exactMatch).toBeLessThan(0.05);
    expect(baseline.mostFrequentCount).toBeGreaterThan(1);
  });
});

describe("captioning preview", () => {
  it("renders the scene as a 4x upscaled RGB PNG with its caption", () => {
    const [preview] = task.preview(1);
    expect(preview!.target).toBe(captions(task.split("validation").batch(0, 1))[0]);
    const image = decodePng(Buffer.from(preview!.pngBase64!, "base64"));
    expect([image.width, image.height, image.channels]).toEqual([128, 128, 3]);
  });
});

describe("captioning params", () => {
  it.each([
    [{ minShapes: 3, maxShapes: 1 }, "minShapes"],
    [{ maxShapes: 4 }, "maxShapes"],
    [{ imageSize: 8 }, "imageSize"],
    [{ imageSize: "big" }, "imageSize"],
  ])("rejects %j with a message naming %s", (input, field) => {
    const result = CaptioningParams.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")).toContain(field);
  });
});
