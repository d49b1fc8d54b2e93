import * as tf from "@tensorflow/tfjs";
import type { ModelIO } from "../types";
import { ctcGreedyDecode } from "./ctc-decode";
import { ctcLoss } from "./ctc-loss";
import { characterErrorRate } from "./error-rates";
import { buildLineRecognizer, LineRecognizerHyperparameters, slidingWindowDense } from "./line-recognizer";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/** Toy "lines": 6 pixel rows, 6 cells of 4 columns; classes 1..3 are distinct 3-column glyphs, blank 0. */
const HEIGHT = 6;
const CELLS = 6;
const CELL = 4;
const io: ModelIO = {
  problemType: "many-to-many-unaligned",
  inputFeatures: HEIGHT,
  inputLength: CELLS * CELL,
  outputKind: "classes",
  outputSize: 4,
  targetLength: 3,
  heads: ["ctc"],
  blank: 0,
};
const GLYPHS: Record<number, number[][]> = {
  1: [
    [0, 1, 2, 3, 4, 5],
    [0, 5],
    [0, 1, 2, 3, 4, 5],
  ],
  2: [
    [2, 3],
    [1, 2, 3, 4],
    [2, 3],
  ],
  3: [[0], [0, 1, 2], [0, 1, 2, 3, 4, 5]],
};

function toyLines(seed: number, batch: number): { images: tf.Tensor3D; labels: number[][]; lengths: number[] } {
  let a = seed >>> 0;
  const next = (): number => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    return a / 4294967296;
  };
  const width = CELLS * CELL;
  const x = new Float32Array(batch * width * HEIGHT);
  const labels: number[][] = [];
  for (let b = 0; b < batch; b++) {
    const label = Array.from({ length: 1 + Math.floor(next() * 3) }, () => 1 + Math.floor(next() * 3));
    // One glyph per cell, with a random cell left empty now and then.
    let cell = Math.floor(next() * 2);
    for (const c of label) {
      (GLYPHS[c] as number[][]).forEach((rows, col) => {
        for (const r of rows) x[(b * width + cell * CELL + col) * HEIGHT + r] = 1;
      });
      cell += 1 + (next() < 0.3 ? 1 : 0);
    }
    labels.push(label);
  }
  return { images: tf.tensor3d(x, [batch, width, HEIGHT]), labels, lengths: labels.map((l) => l.length) };
}

describe("slidingWindowDense", () => {
  it.each([
    [4, 2],
    [6, 3],
    [3, 3],
  ])("equals tf.conv1d with a [%i, C, D] filter and stride %i ('valid')", (width, stride) => {
    tf.tidy(() => {
      const x = tf.randomNormal([2, 18, 5], 0, 1, "float32", 1) as tf.Tensor3D;
      const filter = tf.randomNormal([width, 5, 7], 0, 1, "float32", 2) as tf.Tensor3D;
      const ours = slidingWindowDense(x, tf.reshape(filter, [width * 5, 7]) as tf.Tensor2D, null, width, stride);
      const ref = tf.conv1d(x, filter, stride, "valid");
      expect(ours.shape).toEqual(ref.shape);
      const diff = tf.max(tf.abs(tf.sub(ours, ref))).dataSync()[0] as number;
      expect(diff).toBeLessThan(1e-4);
    });
  });
});

describe("buildLineRecognizer", () => {
  it("validates windowWidth against windowStride, naming the field", () => {
    const r = LineRecognizerHyperparameters.safeParse({ windowWidth: 10, windowStride: 4 });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(["windowWidth"]);
    expect(() => buildLineRecognizer({ windowWidth: 64, windowStride: 32 }, io)).toThrow(/inputLength/);
  });

  it("emits [batch, windows, classes] logits and per-sample CTC lengths", () => {
    const model = buildLineRecognizer(
      { convChannels: 4, windowWidth: 4, windowStride: 2, windowFeatures: 8, lstmUnits: 8 },
      io,
      { seed: 1 },
    );
    expect(model.outputSteps).toBe(11);
    expect(Array.from(model.outputLengths([24, 10, 1]))).toEqual([11, 4, 1]);
    tf.tidy(() => {
      const { images } = toyLines(1, 3);
      expect(model.forward(images, { training: false, inputLengths: Int32Array.from([24, 10, 24]) }).shape).toEqual([
        3, 11, 4,
      ]);
    });
    model.dispose();
  });

  it("trains with ctcLoss on toy lines: loss falls by a factor of 3 and greedy decoding reads most lines", () => {
    const model = buildLineRecognizer(
      { convChannels: 8, windowWidth: 4, windowStride: 2, windowFeatures: 32, lstmUnits: 32 },
      io,
      { seed: 2 },
    );
    // Adam at 0.03 for 20 steps of 16 lines: measured to drop the loss from about 5 to 0.3 per label symbol.
    const optimizer = tf.train.adam(0.03);
    const losses: number[] = [];
    for (let step = 0; step < 20; step++) {
      const { images, labels, lengths } = toyLines(100 + step, 16);
      const inputLengths = Array.from(model.outputLengths(new Array<number>(16).fill(io.inputLength)));
      const loss = optimizer.minimize(
        () => ctcLoss(model.forward(images, { training: true }), labels, inputLengths, lengths) as tf.Scalar,
        true,
        model.variables,
      );
      losses.push(loss?.dataSync()[0] as number);
      loss?.dispose();
      images.dispose();
    }
    const first = (losses[0] as number) + (losses[1] as number);
    const last = (losses[18] as number) + (losses[19] as number);
    expect(last).toBeLessThan(first / 3);
    const { images, labels } = toyLines(7, 16);
    const logits = model.forward(images, { training: false });
    const decoded = ctcGreedyDecode(logits, new Array<number>(16).fill(model.outputSteps));
    tf.dispose([images, logits]);
    expect(characterErrorRate(decoded, labels).corpusRate).toBeLessThan(0.5);
    optimizer.dispose();
    model.dispose();
  });
});
