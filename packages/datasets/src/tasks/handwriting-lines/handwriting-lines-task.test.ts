import { splitOfContent } from "../../task-helpers";
import { decodePng } from "../../render/png-decoder";
import type { Batch, SplitName } from "../../types";
import { minimumInputSteps } from "./ctc-text-metrics";
import {
  HandwritingLinesParams,
  handwritingLinesTask,
  minimumPitchFor,
  stepsCovering,
  textExtent,
} from "./handwriting-lines-task";
import { LINE_CLASSES, decodeLineText } from "./line-classes";

const params = HandwritingLinesParams.parse({ trainSize: 200, validationSize: 100, testSize: 100 });
const task = handwritingLinesTask.create(params, 42);
const { spec } = task;

function labels(batch: Batch): number[][] {
  const out: number[][] = [];
  for (let row = 0; row < batch.size; row++) {
    const start = row * spec.targetLength;
    out.push(Array.from(batch.targets.subarray(start, start + batch.targetLengths[row]!)));
  }
  return out;
}

/** One-hot CTC scores that greedy-decode to `label` in `steps` steps (blank between repeats, then blanks). */
function perfectScores(batchLabels: number[][], steps: number): Float32Array {
  const classes = spec.outputSize;
  const values = new Float32Array(batchLabels.length * steps * classes);
  batchLabels.forEach((label, row) => {
    const path: number[] = [];
    label.forEach((id, i) => {
      if (i > 0 && label[i - 1] === id) path.push(0);
      path.push(id);
    });
    for (let t = 0; t < steps; t++) values[(row * steps + t) * classes + (path[t] ?? 0)] = 1;
  });
  return values;
}

describe("handwriting-lines spec", () => {
  it("reads pixel columns and FSDL's 83 classes with blank 0", () => {
    expect(spec).toEqual({
      problemType: "many-to-many-unaligned",
      inputFeatures: 28,
      inputLength: 896,
      outputKind: "classes",
      outputSize: 83,
      targetLength: 30,
      heads: ["ctc"],
      blank: 0,
    });
    expect(handwritingLinesTask.specFor(params)).toEqual(spec);
    expect(LINE_CLASSES.slice(0, 5)).toEqual(["<B>", "<S>", "<E>", "<P>", "0"]);
    expect(LINE_CLASSES.slice(-17).join("")).toBe(` !"#&'()*+,-./:;?`);
  });
});

describe("handwriting-lines batches", () => {
  const batch = task.split("train").batch(0, 16);

  it("are byte-identical for the same seed and differ for another seed", () => {
    const again = handwritingLinesTask.create(params, 42).split("train").batch(0, 16);
    expect(Buffer.from(again.inputs.buffer).equals(Buffer.from(batch.inputs.buffer))).toBe(true);
    expect(Array.from(again.targets)).toEqual(Array.from(batch.targets));
    const other = handwritingLinesTask.create(params, 43).split("train").batch(0, 16);
    expect(Buffer.from(other.inputs.buffer).equals(Buffer.from(batch.inputs.buffer))).toBe(false);
  });

  it("have the spec's shapes, full input masks and label masks", () => {
    expect(batch.inputs.length).toBe(16 * 896 * 28);
    expect(batch.targets).toBeInstanceOf(Int32Array);
    expect(batch.targets.length).toBe(16 * 30);
    expect(Array.from(batch.inputLengths)).toEqual(new Array(16).fill(896));
    expect(batch.inputMask.every((m) => m === 1)).toBe(true);
    for (let row = 0; row < 16; row++) {
      const length = batch.targetLengths[row]!;
      expect(length).toBeGreaterThan(0);
      expect(length).toBeLessThanOrEqual(30);
      for (let t = 0; t < 30; t++) {
        expect(batch.targetMask[row * 30 + t]).toBe(t < length ? 1 : 0);
        if (t >= length) expect(batch.targets[row * 30 + t]).toBe(0);
        else expect(batch.targets[row * 30 + t]).toBeGreaterThanOrEqual(4);
      }
    }
    expect(batch.inputs.every((v) => v >= 0 && v <= 1)).toBe(true);
  });

  it("draws whole-word texts of at most 30 characters", () => {
    for (const label of labels(batch)) {
      const text = decodeLineText(label);
      expect(text.length).toBeLessThanOrEqual(30);
      expect(text).toBe(text.trim());
      expect(text).not.toMatch(/ {2}/);
    }
  });

  it("puts ink only where the text is and none in the padding", () => {
    for (let row = 0; row < 16; row++) {
      const length = batch.targetLengths[row]!;
      const base = row * 896 * 28;
      let lastInk = -1;
      for (let x = 0; x < 896; x++) {
        for (let y = 0; y < 28; y++) if (batch.inputs[base + x * 28 + y]! > 0) lastInk = x;
      }
      expect(lastInk).toBeGreaterThan(0);
      // A cell is 28 px wide and glyphs are centred in it; slant may push ink a few pixels past the cell.
      expect(lastInk).toBeLessThan(length * 28 + 14);
    }
  });

  it("wraps around the split and yields one pass lazily", () => {
    const split = task.split("validation");
    const batches = [...split.batches(32)];
    expect(batches).toHaveLength(Math.ceil(100 / 32));
    const wrapped = split.batch(3, 32); // samples 96..127 -> 96..99, 0..27
    expect(Array.from(wrapped.targets.subarray(4 * 30, 5 * 30))).toEqual(
      Array.from(batches[0]!.targets.subarray(0, 30)),
    );
  });
});

describe("handwriting-lines splits", () => {
  it("never share a text, and each text hashes to its own split", () => {
    const texts = new Map<SplitName, Set<string>>();
    for (const name of ["train", "validation", "test"] as const) {
      const set = new Set<string>();
      for (const batch of task.split(name).batches(50))
        for (const label of labels(batch)) set.add(decodeLineText(label));
      for (const text of set) expect(splitOfContent(text)).toBe(name);
      texts.set(name, set);
    }
    const train = texts.get("train")!;
    for (const text of texts.get("validation")!) expect(train.has(text)).toBe(false);
    for (const text of texts.get("test")!) expect(train.has(text)).toBe(false);
    expect(train.size).toBeGreaterThan(150);
  });
});

describe("handwriting-lines CTC feasibility", () => {
  it("every label in 200 training lines fits the output steps that reach its ink", () => {
    const steps = params.outputStepsHint;
    for (const batch of task.split("train").batches(100)) {
      labels(batch).forEach((label, row) => {
        const needed = minimumInputSteps(label);
        expect(needed).toBeLessThanOrEqual(steps);
        // Measured on the image: the steps (spread evenly over the 896 px) that reach the rightmost ink.
        const base = row * 896 * 28;
        let lastInk = 0;
        for (let x = 0; x < 896; x++) {
          for (let y = 0; y < 28; y++) if (batch.inputs[base + x * 28 + y]! > 0) lastInk = x;
        }
        expect(stepsCovering(lastInk + 1, 896, steps)).toBeGreaterThanOrEqual(needed);
      });
    }
  });

  it("caps the overlap of lines whose labels need more steps (the repeats of 'aaaa')", () => {
    // 30 characters need 30 steps, plus one per equal pair; a dense overlap (pitch 19) gives ~33 steps only.
    const label = new Array<number>(30).fill(40);
    const pitch = minimumPitchFor(label, 28, 896, 55);
    expect(pitch).toBe(null);
    const mixed = Array.from({ length: 30 }, (_, i) => (i % 4 < 2 ? 40 : 41)); // "aabbaabb..."
    const p = minimumPitchFor(mixed, 28, 896, 55)!;
    expect(p).toBeGreaterThan(19);
    expect(stepsCovering(textExtent(30, p, 28), 896, 55)).toBeGreaterThanOrEqual(minimumInputSteps(mixed));
    expect(stepsCovering(textExtent(30, p - 1, 28), 896, 55)).toBeLessThan(minimumInputSteps(mixed));
  });

  it("minimumInputSteps counts a blank between equal neighbours", () => {
    expect(minimumInputSteps([])).toBe(0);
    expect(minimumInputSteps([5, 6, 7])).toBe(3);
    expect(minimumInputSteps([5, 5, 5, 6])).toBe(6);
  });
});

describe("handwriting-lines metrics", () => {
  const batch = task.split("validation").batch(0, 8);
  const batchLabels = labels(batch);

  it("scores a perfect CTC output as CER 0 and accuracy 1", () => {
    const values = perfectScores(batchLabels, 55);
    expect(task.metrics(batch, { values, shape: [8, 55, 83] })).toEqual({ cer: 0, corpusCer: 0, accuracy: 1 });
  });

  it("scores an all-blank output as CER 1", () => {
    const values = perfectScores(
      batchLabels.map(() => []),
      55,
    );
    expect(task.metrics(batch, { values, shape: [8, 55, 83] })).toEqual({ cer: 1, corpusCer: 1, accuracy: 0 });
  });

  it("rejects an output with the wrong number of classes", () => {
    expect(() => task.metrics(batch, { values: new Float32Array(8 * 55 * 80), shape: [8, 55, 80] })).toThrow(
      /outputSize 83/,
    );
  });
});

describe("handwriting-lines baseline", () => {
  it("scores the empty prediction at CER 1 and the most frequent character repeated a little below", () => {
    const baseline = task.baseline("validation");
    expect(baseline.emptyCer).toBe(1);
    expect(baseline.emptyCorpusCer).toBe(1);
    expect(baseline.repeatedCharCer).toBeGreaterThan(0.7);
    expect(baseline.repeatedCharCer).toBeLessThan(0.95);
    expect(baseline.cer).toBe(Math.min(baseline.emptyCer!, baseline.repeatedCharCer!));
    // The space or "e": the two most frequent characters of English text.
    expect([" ", "e"]).toContain(LINE_CLASSES[baseline.repeatedCharId!]);
  });
});

describe("handwriting-lines preview", () => {
  it("renders each line as a valid grayscale PNG with dark ink on white", () => {
    const previews = task.preview(3);
    expect(previews).toHaveLength(3);
    const batch = task.split("validation").batch(0, 3);
    previews.forEach((preview, i) => {
      expect(preview.target).toBe(decodeLineText(labels(batch)[i]!));
      const png = Buffer.from(preview.pngBase64!, "base64");
      expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
      const image = decodePng(png);
      expect([image.width, image.height, image.channels]).toEqual([896, 28, 1]);
      expect(image.data.some((v) => v < 64)).toBe(true);
      expect(image.data[image.data.length - 1]).toBe(255);
    });
  });
});

describe("handwriting-lines params", () => {
  it("applies FSDL's defaults", () => {
    const p = HandwritingLinesParams.parse({});
    expect([p.maxLength, p.maxTextLength, p.imageHeight, p.maxOverlap, p.outputStepsHint]).toEqual([
      32, 30, 28, 0.33, 55,
    ]);
    expect([p.trainSize, p.validationSize, p.testSize]).toEqual([10_000, 2000, 2000]);
  });

  it.each([
    [{ maxTextLength: 40 }, "maxTextLength"],
    [{ maxOverlap: 1.5 }, "maxOverlap"],
    [{ imageHeight: 8 }, "imageHeight"],
    [{ fonts: ["comic"] }, "fonts"],
    [{ fonts: ["scripts"], cursive: false }, "fonts"],
    [{ minScale: 1.1, maxScale: 0.9 }, "minScale"],
    [{ outputStepsHint: 10 }, "outputStepsHint"],
  ])("rejects %j with a message naming %s", (input, field) => {
    const result = HandwritingLinesParams.safeParse(input);
    expect(result.success).toBe(false);
    const text = result.error!.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ");
    expect(text).toContain(field);
  });
});
