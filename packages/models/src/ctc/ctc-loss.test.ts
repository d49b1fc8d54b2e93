import * as tf from "@tensorflow/tfjs";
import { ctcLoss } from "./ctc-loss";
import { bruteForceCtcLoss, rng } from "./brute-force.test-util";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

function randomLogits(next: () => number, T: number, C: number, scale = 2): number[][] {
  return Array.from({ length: T }, () => Array.from({ length: C }, () => (next() - 0.5) * 2 * scale));
}

/** A random label of length L over non-blank classes. */
function randomLabel(next: () => number, L: number, C: number, blank: number): number[] {
  const ids = [...Array(C).keys()].filter((k) => k !== blank);
  return Array.from({ length: L }, () => ids[Math.floor(next() * ids.length)] as number);
}

/** Loss values and d(sum of losses)/d(logits) for one call with reduction "none". */
function lossAndGrad(
  logits: number[][][],
  labels: number[][],
  inputLengths: number[],
  labelLengths: number[],
  options: Parameters<typeof ctcLoss>[4] = {},
): { loss: Float32Array; grad: Float32Array } {
  return tf.tidy(() => {
    const x = tf.tensor3d(logits);
    const { value, grad } = tf.valueAndGrad((z: tf.Tensor) =>
      ctcLoss(z as tf.Tensor3D, labels, inputLengths, labelLengths, {
        ...options,
        reduction: options.reduction ?? "none",
      }).sum(),
    )(x);
    const loss = ctcLoss(x, labels, inputLengths, labelLengths, {
      ...options,
      reduction: "none",
    }).dataSync() as Float32Array;
    void value;
    return { loss: loss.slice(), grad: (grad.dataSync() as Float32Array).slice() };
  });
}

describe("ctcLoss against brute-force enumeration of all alignments", () => {
  // Every alignment of T <= 5 steps over C <= 4 classes is enumerated in float64: an independent reference for the
  // loss, and, by central differences (eps 1e-5, float64), for the gradient. Tolerances reflect the float32 output.
  it("matches the loss and gradient on random problems, repeats, empty labels and blank at 0 or inside", () => {
    const next = rng(7);
    let cases = 0;
    for (const [T, C, blank] of [
      [1, 2, 0],
      [3, 3, 0],
      [4, 3, 2],
      [5, 4, 0],
      [5, 4, 1],
      [5, 4, 3],
    ] as const) {
      for (let L = 0; L <= Math.min(T, 3); L++) {
        const logits = randomLogits(next, T, C);
        const label = randomLabel(next, L, C, blank);
        if (L >= 2 && T >= 4) label[1] = label[0] as number; // force a repeat: needs a blank between
        const ref = bruteForceCtcLoss(logits, label, blank);
        const { loss, grad } = lossAndGrad([logits], [label], [T], [L], { blank });
        if (!Number.isFinite(ref)) {
          expect(loss[0]).toBe(Number.POSITIVE_INFINITY);
          continue;
        }
        expect(Math.abs((loss[0] as number) - ref)).toBeLessThan(1e-5 * Math.max(1, ref));
        const eps = 1e-5;
        for (let t = 0; t < T; t++) {
          for (let k = 0; k < C; k++) {
            const plus = logits.map((r) => r.slice());
            const minus = logits.map((r) => r.slice());
            (plus[t] as number[])[k] = (logits[t]?.[k] as number) + eps;
            (minus[t] as number[])[k] = (logits[t]?.[k] as number) - eps;
            const fd = (bruteForceCtcLoss(plus, label, blank) - bruteForceCtcLoss(minus, label, blank)) / (2 * eps);
            expect(Math.abs((grad[t * C + k] as number) - fd)).toBeLessThan(2e-5);
          }
        }
        cases++;
      }
    }
    expect(cases).toBeGreaterThan(15);
  });

  it("returns +Infinity when the input is too short for the label (repeats need a blank between)", () => {
    const logits = randomLogits(rng(3), 3, 3);
    const { loss, grad } = lossAndGrad([logits], [[1, 1]], [2], [2]);
    expect(loss[0]).toBe(Number.POSITIVE_INFINITY);
    expect(bruteForceCtcLoss(logits.slice(0, 2), [1, 1], 0)).toBe(Number.POSITIVE_INFINITY);
    expect([...grad].every((g) => g === 0)).toBe(true);
    // Three steps are enough for "1 blank 1".
    expect(Number.isFinite(lossAndGrad([logits], [[1, 1]], [3], [2]).loss[0])).toBe(true);
  });
});

describe("ctcLoss published test vectors", () => {
  it("reproduces TF ctc_loss_op_test testBasic (Graves' data, blank = last class, NaN padding steps)", () => {
    // tensorflow/python/kernel_tests/nn_ops/ctc_loss_op_test.py, CTCLossTest.testBasic: inputs are log-probabilities
    // (log-softmax leaves them unchanged), depth 6, blank index 5, max time 7 with two NaN steps past length 5.
    const probs0 = [
      [0.633766, 0.221185, 0.0917319, 0.0129757, 0.0142857, 0.0260553],
      [0.111121, 0.588392, 0.278779, 0.0055756, 0.00569609, 0.010436],
      [0.0357786, 0.633813, 0.321418, 0.00249248, 0.00272882, 0.0037688],
      [0.0663296, 0.643849, 0.280111, 0.00283995, 0.0035545, 0.00331533],
      [0.458235, 0.396634, 0.123377, 0.00648837, 0.00903441, 0.00623107],
    ];
    const grad0 = [
      [-0.366234, 0.221185, 0.0917319, 0.0129757, 0.0142857, 0.0260553],
      [0.111121, -0.411608, 0.278779, 0.0055756, 0.00569609, 0.010436],
      [0.0357786, 0.633813, -0.678582, 0.00249248, 0.00272882, 0.0037688],
      [0.0663296, -0.356151, 0.280111, 0.00283995, 0.0035545, 0.00331533],
      [-0.541765, 0.396634, 0.123377, 0.00648837, 0.00903441, 0.00623107],
    ];
    const probs1 = [
      [0.30176, 0.28562, 0.0831517, 0.0862751, 0.0816851, 0.161508],
      [0.24082, 0.397533, 0.0557226, 0.0546814, 0.0557528, 0.19549],
      [0.230246, 0.450868, 0.0389607, 0.038309, 0.0391602, 0.202456],
      [0.280884, 0.429522, 0.0326593, 0.0339046, 0.0326856, 0.190345],
      [0.423286, 0.315517, 0.0338439, 0.0393744, 0.0339315, 0.154046],
    ];
    const grad1 = [
      [-0.69824, 0.28562, 0.0831517, 0.0862751, 0.0816851, 0.161508],
      [0.24082, -0.602467, 0.0557226, 0.0546814, 0.0557528, 0.19549],
      [0.230246, 0.450868, 0.0389607, 0.038309, 0.0391602, -0.797544],
      [0.280884, -0.570478, 0.0326593, 0.0339046, 0.0326856, 0.190345],
      [-0.576714, 0.315517, 0.0338439, 0.0393744, 0.0339315, 0.154046],
    ];
    const nanRow = new Array<number>(6).fill(Number.NaN);
    const toInput = (p: number[][]): number[][] => [
      ...p.map((r) => r.map((v) => Math.log(Math.fround(v)))),
      nanRow,
      nanRow,
    ];
    const { loss, grad } = lossAndGrad(
      [toInput(probs0), toInput(probs1)],
      [
        [0, 1, 2, 1, 0],
        [0, 1, 1, 0],
      ],
      [5, 5],
      [5, 4],
      {
        blank: 5,
      },
    );
    // TF asserts atol 1e-6 on values printed with 6 significant digits; 2e-6 allows for the last digit's rounding.
    expect(Math.abs((loss[0] as number) - 3.34211)).toBeLessThan(1e-5);
    expect(Math.abs((loss[1] as number) - 5.42262)).toBeLessThan(1e-5);
    for (const [b, expected] of [
      [0, grad0],
      [1, grad1],
    ] as const) {
      for (let t = 0; t < 7; t++) {
        for (let k = 0; k < 6; k++) {
          const g = grad[(b * 7 + t) * 6 + k] as number;
          if (t >= 5)
            expect(g).toBe(0); // exact zeros past the input length, despite NaN logits
          else expect(Math.abs(g - (expected[t]?.[k] as number))).toBeLessThan(2e-6);
        }
      }
    }
  });

  it("reproduces warp-ctc small_test (NLL 2.462858)", () => {
    const acts = [
      [0.1, 0.6, 0.1, 0.1, 0.1],
      [0.1, 0.1, 0.6, 0.1, 0.1],
    ];
    const { loss } = lossAndGrad([acts], [[1, 2]], [2], [2]);
    expect(Math.abs((loss[0] as number) - 2.4628584)).toBeLessThan(1e-5);
    expect(Math.abs(Math.exp(-(loss[0] as number)) - 0.0851911)).toBeLessThan(1e-6);
  });

  it("follows warp-ctc inf_test: a label using a zero-probability class gives +Infinity and no NaN gradient", () => {
    // warp-ctc sets class 2's activation to -1e30 at every step (alphabet 15, T 50, L 10, labels[0] = 2); in
    // probability space that underflows to 0. In log space -1e30 is a finite (huge) cost, so the exact-zero case is
    // written with -Infinity, and the -1e30 case is checked to be huge, finite and NaN-free.
    const next = rng(11);
    const T = 50;
    const C = 15;
    const label = randomLabel(next, 10, C, 0);
    label[0] = 2;
    for (const hole of [Number.NEGATIVE_INFINITY, -1e30]) {
      const logits = randomLogits(next, T, C, 1);
      for (const row of logits) row[2] = hole;
      const { loss, grad } = lossAndGrad([logits], [label], [T], [10]);
      if (hole === Number.NEGATIVE_INFINITY) expect(loss[0]).toBe(Number.POSITIVE_INFINITY);
      else expect(loss[0]).toBeGreaterThan(1e29);
      expect([...grad].every(Number.isFinite)).toBe(true);
      const zeroed = lossAndGrad([logits], [label], [T], [10], { zeroInfinity: true });
      if (hole === Number.NEGATIVE_INFINITY) {
        expect(zeroed.loss[0]).toBe(0);
        expect([...zeroed.grad].every((g) => g === 0)).toBe(true);
      }
    }
  });
});

describe("ctcLoss gradient, batching and reductions", () => {
  it("matches central differences of itself on a larger random problem (T 12, C 6)", () => {
    const next = rng(5);
    const logits = [randomLogits(next, 12, 6)];
    const label = [randomLabel(next, 5, 6, 0)];
    const { grad } = lossAndGrad(logits, label, [12], [5]);
    // float32 loss of about 10: eps 1e-2 keeps rounding (1e-6 * 10 / 1e-2 = 1e-3 at worst) and truncation (eps^2)
    // near 1e-4, hence the 2e-3 tolerance.
    const eps = 1e-2;
    const lossAt = (l: number[][][]): number =>
      tf.tidy(() => ctcLoss(tf.tensor3d(l), label, [12], [5], { reduction: "sum" }).dataSync()[0] as number);
    for (let t = 0; t < 12; t += 3) {
      for (let k = 0; k < 6; k++) {
        const plus = logits.map((s) => s.map((r) => r.slice()));
        const minus = logits.map((s) => s.map((r) => r.slice()));
        (plus[0]?.[t] as number[])[k] = (logits[0]?.[t]?.[k] as number) + eps;
        (minus[0]?.[t] as number[])[k] = (logits[0]?.[t]?.[k] as number) - eps;
        const fd = (lossAt(plus) - lossAt(minus)) / (2 * eps);
        expect(Math.abs((grad[t * 6 + k] as number) - fd)).toBeLessThan(2e-3);
      }
    }
  });

  it("treats each sample of a mixed-length batch as if alone and zeroes gradients past each input length", () => {
    const next = rng(9);
    const T = 8;
    const C = 5;
    const logits = [randomLogits(next, T, C), randomLogits(next, T, C), randomLogits(next, T, C)];
    const labels = [
      [1, 2, 3, 0, 0],
      [4, 4, 9, 9, 9],
      [2, 3, 1, 4, 2],
    ];
    const inputLengths = [8, 5, 6];
    const labelLengths = [3, 2, 5];
    const batched = lossAndGrad(logits, labels, inputLengths, labelLengths);
    // Rows of a padded Int32Array batch (the trainer's targets) work as label rows; padding past the length is ignored.
    const flat = Int32Array.from(labels.flat());
    const typedRows = [0, 1, 2].map((b) => flat.subarray(b * 5, b * 5 + 5));
    const typed = tf.tidy(() =>
      ctcLoss(tf.tensor3d(logits), typedRows, inputLengths, labelLengths, { reduction: "none" }).dataSync(),
    );
    expect(Array.from(typed)).toEqual(Array.from(batched.loss));
    for (let b = 0; b < 3; b++) {
      const T_b = inputLengths[b] as number;
      const alone = lossAndGrad(
        [(logits[b] as number[][]).slice(0, T_b)],
        [labels[b] as number[]],
        [T_b],
        [labelLengths[b] as number],
      );
      expect(batched.loss[b]).toBeCloseTo(alone.loss[0] as number, 5);
      for (let t = 0; t < T; t++) {
        for (let k = 0; k < C; k++) {
          const g = batched.grad[(b * T + t) * C + k] as number;
          if (t >= T_b) expect(g).toBe(0);
          else expect(g).toBeCloseTo(alone.grad[t * C + k] as number, 6);
        }
      }
    }
  });

  it("reduces like PyTorch: 'mean' divides by label length (min 1) then averages; 'sum' adds; gradients scale alike", () => {
    const next = rng(13);
    const logits = [randomLogits(next, 6, 4), randomLogits(next, 6, 4)];
    const labels = [[1, 2, 3], [2]];
    const none = lossAndGrad(logits, labels, [6, 6], [3, 0]);
    const sum = tf.tidy(
      () => ctcLoss(tf.tensor3d(logits), labels, [6, 6], [3, 0], { reduction: "sum" }).dataSync()[0] as number,
    );
    const mean = tf.tidy(() => ctcLoss(tf.tensor3d(logits), labels, [6, 6], [3, 0]).dataSync()[0] as number);
    const l0 = none.loss[0] as number;
    const l1 = none.loss[1] as number;
    expect(sum).toBeCloseTo(l0 + l1, 5);
    expect(mean).toBeCloseTo((l0 / 3 + l1 / 1) / 2, 5);
    const meanGrad = tf.tidy(() => {
      const g = tf.grad((z: tf.Tensor) => ctcLoss(z as tf.Tensor3D, labels, [6, 6], [3, 0]))(tf.tensor3d(logits));
      return (g.dataSync() as Float32Array).slice();
    });
    for (let i = 0; i < 24; i++) {
      expect(meanGrad[i] as number).toBeCloseTo((none.grad[i] as number) / 3 / 2, 6);
      expect(meanGrad[24 + i] as number).toBeCloseTo((none.grad[24 + i] as number) / 2, 6);
    }
    // A weighted upstream gradient through reduction "none" scales each sample's gradient.
    const weighted = tf.tidy(() => {
      const g = tf.grad((z: tf.Tensor) =>
        ctcLoss(z as tf.Tensor3D, labels, [6, 6], [3, 0], { reduction: "none" })
          .mul(tf.tensor1d([2, -1]))
          .sum(),
      )(tf.tensor3d(logits));
      return (g.dataSync() as Float32Array).slice();
    });
    expect(weighted[5] as number).toBeCloseTo(2 * (none.grad[5] as number), 6);
    expect(weighted[29] as number).toBeCloseTo(-(none.grad[29] as number), 6);
  });

  it("zeroInfinity zeroes infeasible samples' loss and gradient and leaves the others alone", () => {
    const logits = [randomLogits(rng(2), 3, 3), randomLogits(rng(4), 3, 3)];
    const labels = [
      [1, 1, 1],
      [1, 2],
    ];
    const plain = lossAndGrad(logits, labels, [3, 3], [3, 2]);
    const zeroed = lossAndGrad(logits, labels, [3, 3], [3, 2], { zeroInfinity: true });
    expect(plain.loss[0]).toBe(Number.POSITIVE_INFINITY);
    expect(zeroed.loss[0]).toBe(0);
    expect(zeroed.loss[1]).toBe(plain.loss[1]);
    expect([...plain.grad, ...zeroed.grad].some(Number.isNaN)).toBe(false);
    const mean = tf.tidy(
      () => ctcLoss(tf.tensor3d(logits), labels, [3, 3], [3, 2], { zeroInfinity: true }).dataSync()[0] as number,
    );
    expect(mean).toBeCloseTo((plain.loss[1] as number) / 2 / 2, 5);
  });

  it("does not leak tensors", () => {
    const logits = tf.tensor3d([randomLogits(rng(1), 4, 3)]);
    const before = tf.memory().numTensors;
    const g = tf.grad((z: tf.Tensor) => ctcLoss(z as tf.Tensor3D, [[1, 2]], [4], [2]))(logits);
    g.dispose();
    expect(tf.memory().numTensors).toBe(before);
    logits.dispose();
  });
});

describe("ctcLoss argument validation", () => {
  it.each([
    [[[1], [3]], [4, 4], [1, 1], {}, /labels\[1\]\[0\] = 3 is out of range/],
    [[[1], [0]], [4, 4], [1, 1], {}, /labels\[1\]\[0\] equals the blank/],
    [[[1], [1]], [4, 4], [1, 2], {}, /labelLengths\[1\] = 2/],
    [[[1], [1]], [4, 5], [1, 1], {}, /inputLengths\[1\] = 5/],
    [[[1]], [4, 4], [1, 1], {}, /labels has 1 rows but logits has batch 2/],
    [[[1], [1]], [4], [1, 1], {}, /inputLengths has 1 entries/],
    [[[1], [1]], [4, 4], [1], {}, /labelLengths has 1 entries/],
    [[[1], [1]], [4, 4], [1, 1], { blank: 3 }, /options.blank/],
    [[[1], [1]], [4, 4], [1, 1], { reduction: "avg" }, /options.reduction/],
  ])("rejects %j / %j / %j / %j", (labels, inputLengths, labelLengths, options, message) => {
    const x = tf.zeros([2, 4, 3]) as tf.Tensor3D;
    expect(() => ctcLoss(x, labels, inputLengths, labelLengths, options as never)).toThrow(message);
    x.dispose();
  });
});
