import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../backend/init-backend";
import { orthogonal } from "../initializers";
import { Random } from "../random";
import { Bidirectional } from "./bidirectional";
import { GruCell } from "./gru-cell";
import { LstmCell } from "./lstm-cell";
import type { NamedVariable, RecurrentCell } from "./recurrent-cell";
import { runSequence } from "./recurrent-cell";
import { SimpleRnn } from "./simple-rnn";
import { SimpleRnnCell } from "./simple-rnn-cell";

// cpu: exact and fast at these tiny sizes; the wasm kernels are compared against cpu in init-backend.test.ts.
beforeAll(async () => {
  await initBackend({ prefer: "cpu" });
});

const T = 5;
const B = 2;
const I = 3;
const H = 4;

function randomArray(n: number, seed: number, scale = 1): Float32Array {
  const r = new Random(seed);
  return Float32Array.from({ length: n }, () => scale * r.uniform(-1, 1));
}

/** Time-major input [T, B, I] and fixed readout weights, so loss = sum(outputs * readout) is a generic scalar. */
function fixture(width = H) {
  return {
    x: tf.tensor3d(randomArray(T * B * I, 7), [T, B, I]),
    readout: tf.tensor3d(randomArray(T * B * width, 8), [T, B, width]),
  };
}

/**
 * Central differences in float32 (tfjs has no float64): eps 1e-2 keeps the truncation error O(eps^2) small while
 * the float32 rounding of the loss difference (~1e-7 / eps) stays near 1e-5. Tolerance: 2e-3 absolute plus 2e-2
 * relative per entry, far below the error a wrong gradient (a missing term, a sign) produces.
 */
function checkGradients(variables: tf.Variable[], loss: () => tf.Scalar): void {
  const { grads } = tf.variableGrads(loss, variables);
  const eps = 1e-2;
  for (const v of variables) {
    const analytic = (grads[v.name] as tf.Tensor).dataSync();
    const original = v.dataSync().slice();
    // Up to 12 entries per weight: enough to catch a wrong block without making the test slow.
    const stride = Math.max(1, Math.floor(original.length / 12));
    for (let i = 0; i < original.length; i += stride) {
      const plus = original.slice();
      plus[i] = (plus[i] as number) + eps;
      v.assign(tf.tensor(plus, v.shape));
      const lp = loss().dataSync()[0] as number;
      const minus = original.slice();
      minus[i] = (minus[i] as number) - eps;
      v.assign(tf.tensor(minus, v.shape));
      const lm = loss().dataSync()[0] as number;
      v.assign(tf.tensor(original, v.shape));
      const numeric = (lp - lm) / (2 * eps);
      const a = analytic[i] as number;
      expect(Math.abs(a - numeric)).toBeLessThanOrEqual(2e-3 + 2e-2 * Math.abs(numeric));
    }
  }
  tf.dispose(Object.values(grads));
}

function sequenceLoss(
  cell: RecurrentCell,
  x: tf.Tensor3D,
  readout: tf.Tensor3D,
  mask: tf.Tensor3D | null = null,
): tf.Scalar {
  return tf.tidy(() => tf.sum(tf.mul(runSequence(cell, x, { mask }).outputs, readout)));
}

describe("finite-difference gradient checks", () => {
  let x: tf.Tensor3D;
  let readout: tf.Tensor3D;
  let mask: tf.Tensor3D;
  beforeAll(() => {
    ({ x, readout } = fixture());
    // Sample 1 is padded after step 3.
    mask = tf.tensor3d(
      Float32Array.from({ length: T * B }, (_, k) => (k % B === 1 && Math.floor(k / B) >= 3 ? 0 : 1)),
      [T, B, 1],
    );
  });

  test.each([
    ["rnn", () => new SimpleRnnCell({ units: H, inputSize: I, seed: 1 })],
    ["lstm", () => new LstmCell({ units: H, inputSize: I, seed: 2 })],
    ["lstm hardSigmoid", () => new LstmCell({ units: H, inputSize: I, seed: 2, recurrentActivation: "hardSigmoid" })],
    ["gru", () => new GruCell({ units: H, inputSize: I, seed: 3 })],
  ])("%s", (_name, make) => {
    const cell = make();
    checkGradients(
      cell.weights.map((w) => w.variable),
      () => sequenceLoss(cell, x, readout),
    );
    // With padding: the mask path (state carried through padded steps) has the right gradient too.
    checkGradients(
      cell.weights.map((w) => w.variable),
      () => sequenceLoss(cell, x, readout, mask),
    );
  });

  test.each(["concat", "sum"] as const)("bidirectional lstm, merge %s", (merge) => {
    const layer = new Bidirectional({
      forward: new LstmCell({ units: H, inputSize: I, seed: 4, name: "f" }),
      backward: new LstmCell({ units: H, inputSize: I, seed: 5, name: "b" }),
      merge,
    });
    const r = tf.tensor3d(randomArray(T * B * layer.units, 9), [T, B, layer.units]);
    const finalReadout = tf.tensor2d(randomArray(B * layer.units, 10), [B, layer.units]);
    checkGradients(
      layer.weights.map((w) => w.variable),
      () =>
        tf.tidy(() => {
          const out = layer.run(x, mask);
          return tf.add(
            tf.sum(tf.mul(out.outputs, r)),
            tf.sum(tf.mul(out.final[0] as tf.Tensor2D, finalReadout)),
          ) as tf.Scalar;
        }),
    );
  });
});

function sigmoid(v: number): number {
  return 1 / (1 + Math.exp(-v));
}

/** Row-major [rows, cols] matrix from a variable. */
function matrix(v: tf.Variable): { data: Float32Array; cols: number } {
  return { data: v.dataSync() as Float32Array, cols: v.shape[v.shape.length - 1] as number };
}

/** x (length n) times the [n, cols] matrix m, as float64. */
function vecMat(x: ArrayLike<number>, m: { data: Float32Array; cols: number }): number[] {
  const out = new Array<number>(m.cols).fill(0);
  for (let i = 0; i < x.length; i++)
    for (let j = 0; j < m.cols; j++)
      out[j] = (out[j] as number) + (x[i] as number) * (m.data[i * m.cols + j] as number);
  return out;
}

describe("equations against a plain-JS reference", () => {
  let x: tf.Tensor3D;
  let xs: number[][][];
  beforeAll(() => {
    x = fixture().x;
    xs = x.arraySync();
  });

  test("LSTM: i, f, o sigmoid gates, g tanh, c' = f c + i g, h' = o tanh(c')", () => {
    const cell = new LstmCell({ units: H, inputSize: I, seed: 11 });
    const [W, U, b] = cell.weights.map((w) => matrix(w.variable)) as [
      ReturnType<typeof matrix>,
      ReturnType<typeof matrix>,
      ReturnType<typeof matrix>,
    ];
    const got = runSequence(cell, x).outputs.arraySync();
    for (let s = 0; s < B; s++) {
      let h = new Array<number>(H).fill(0);
      let c = new Array<number>(H).fill(0);
      for (let t = 0; t < T; t++) {
        const xw = vecMat(xs[t]![s]!, W);
        const hu = vecMat(h, U);
        const z = xw.map((v, j) => v + (hu[j] as number) + (b.data[j] as number));
        const gate = (k: number, j: number) => z[k * H + j] as number;
        c = c.map((cj, j) => sigmoid(gate(1, j)) * cj + sigmoid(gate(0, j)) * Math.tanh(gate(3, j)));
        h = c.map((cj, j) => sigmoid(gate(2, j)) * Math.tanh(cj));
        h.forEach((v, j) => expect(got[t]![s]![j]).toBeCloseTo(v, 5));
      }
    }
  });

  test("GRU: PyTorch form, n = tanh(x W_n + b_n + r (h U_n + c_n)), h' = (1 - z) n + z h", () => {
    const cell = new GruCell({ units: H, inputSize: I, seed: 12 });
    // Non-zero biases so the reset-after placement of c_n is actually tested.
    cell.weights[2]!.variable.assign(tf.tensor1d(randomArray(3 * H, 13)));
    cell.weights[3]!.variable.assign(tf.tensor1d(randomArray(3 * H, 14)));
    const [W, U, b, c] = cell.weights.map((w) => matrix(w.variable)) as ReturnType<typeof matrix>[];
    const got = runSequence(cell, x).outputs.arraySync();
    for (let s = 0; s < B; s++) {
      let h = new Array<number>(H).fill(0);
      for (let t = 0; t < T; t++) {
        const xp = vecMat(xs[t]![s]!, W!).map((v, j) => v + (b!.data[j] as number));
        const hp = vecMat(h, U!).map((v, j) => v + (c!.data[j] as number));
        h = h.map((hj, j) => {
          const r = sigmoid((xp[j] as number) + (hp[j] as number));
          const z = sigmoid((xp[H + j] as number) + (hp[H + j] as number));
          const n = Math.tanh((xp[2 * H + j] as number) + r * (hp[2 * H + j] as number));
          return (1 - z) * n + z * hj;
        });
        h.forEach((v, j) => expect(got[t]![s]![j]).toBeCloseTo(v, 5));
      }
    }
  });

  test("vanilla RNN: step() one input at a time equals the sequence API, and y = W_hy h exactly", () => {
    const rnn = new SimpleRnn({ units: H, inputSize: I, outputSize: 3, seed: 15 });
    const batchMajor = tf.transpose(x, [1, 0, 2]) as tf.Tensor3D;
    const { y, h } = rnn.forward(batchMajor);
    const ys = y.arraySync();
    const [Wxh, Whh, bias, Why] = rnn.weights.map((w) => matrix(w.variable)) as ReturnType<typeof matrix>[];
    const hs = h.arraySync();
    for (let s = 0; s < B; s++) {
      let ref = new Array<number>(H).fill(0);
      for (let t = 0; t < T; t++) {
        const a = vecMat(xs[t]![s]!, Wxh!);
        const r = vecMat(ref, Whh!);
        ref = a.map((v, j) => Math.tanh(v + (r[j] as number) + (bias!.data[j] as number)));
        ref.forEach((v, j) => expect(hs[s]![t]![j]).toBeCloseTo(v, 5));
        vecMat(ref, Why!).forEach((v, j) => expect(ys[s]![t]![j]).toBeCloseTo(v, 5));
      }
    }
    rnn.resetState();
    for (let t = 0; t < T; t++) {
      const yt = rnn.step(tf.tensor2d(xs[t]!, [B, I]));
      const got = yt.arraySync();
      for (let s = 0; s < B; s++) got[s]!.forEach((v, j) => expect(v).toBeCloseTo(ys[s]![t]![j] as number, 6));
      yt.dispose();
    }
    expect(rnn.state?.shape).toEqual([B, H]);
  });

  test("bidirectional: the backward half equals a forward layer on the reversed sequence", () => {
    const backward = new LstmCell({ units: H, inputSize: I, seed: 17, name: "b" });
    const layer = new Bidirectional({
      forward: new LstmCell({ units: H, inputSize: I, seed: 16, name: "f" }),
      backward,
      merge: "concat",
    });
    const half = layer.runBackward(x);
    const direct = runSequence(backward, tf.reverse(x, 0));
    expect(tf.reverse(half.outputs, 0).arraySync()).toEqual(direct.outputs.arraySync());
    expect(half.final[0]!.arraySync()).toEqual(direct.final[0]!.arraySync());
    const merged = layer.run(x);
    expect(tf.slice(merged.outputs, [0, 0, H], [T, B, H]).arraySync()).toEqual(half.outputs.arraySync());
    expect(merged.outputs.shape).toEqual([T, B, 2 * H]);
  });

  test("masking: a padded sample's final state equals running its unpadded prefix", () => {
    const cell = new GruCell({ units: H, inputSize: I, seed: 18 });
    const lengths = [3, 5];
    const mask = tf.tensor3d(
      Float32Array.from({ length: T * B }, (_, k) => (Math.floor(k / B) < (lengths[k % B] as number) ? 1 : 0)),
      [T, B, 1],
    );
    const masked = runSequence(cell, x, { mask }).final[0]!.arraySync();
    const prefix = runSequence(cell, tf.slice(x, [0, 0, 0], [3, B, I])).final[0]!.arraySync();
    prefix[0]!.forEach((v, j) => expect(masked[0]![j]).toBeCloseTo(v, 6));
  });
});

describe("initialisers and layer arguments", () => {
  test("orthogonal: Q^T Q = I, seeded, 128x512 in well under a second", () => {
    const start = performance.now();
    const q = orthogonal(128, 512, new Random(1));
    expect(performance.now() - start).toBeLessThan(1000);
    expect(q).toEqual(orthogonal(128, 512, new Random(1)));
    // 128 x 512 has orthonormal rows: Q Q^T = I.
    for (const [a, b] of [
      [0, 0],
      [0, 1],
      [5, 5],
      [17, 90],
      [127, 127],
    ] as const) {
      let dot = 0;
      for (let k = 0; k < 512; k++) dot += (q[a * 512 + k] as number) * (q[b * 512 + k] as number);
      expect(dot).toBeCloseTo(a === b ? 1 : 0, 5);
    }
  });

  test("bad arguments name the argument", () => {
    expect(() => new LstmCell({ units: 0, inputSize: 3 })).toThrow(/units/);
    expect(() => new GruCell({ units: 4, inputSize: 3, recurrentActivation: "relu" as never })).toThrow(
      /recurrentActivation/,
    );
    expect(() => new SimpleRnnCell({ units: 4, inputSize: 2.5 })).toThrow(/inputSize/);
  });
});

/** A layer as a checkpoint stores it: registered class name and config, through JSON. */
interface SerialisedLayer {
  className: string;
  config: tf.serialization.ConfigDict;
}

function serialise(layer: tf.serialization.Serializable): SerialisedLayer {
  return JSON.parse(JSON.stringify({ className: layer.getClassName(), config: layer.getConfig() })) as SerialisedLayer;
}

/** Rebuilds a layer from the registry alone, as a loader that knows nothing but the class name would. */
function deserialise(saved: SerialisedLayer): tf.serialization.Serializable {
  const registered = tf.serialization.SerializationMap.getMap().classNameMap[saved.className];
  if (!registered) throw new Error(`${saved.className} is not registered with tf.serialization.registerClass`);
  const [cls, fromConfig] = registered;
  return fromConfig(cls, saved.config);
}

/** Overwrites every weight with seeded noise, so a copy can match only by loading them, not by re-seeding. */
function perturb(weights: NamedVariable[], seed: number): void {
  weights.forEach((w, k) => w.variable.assign(tf.tensor(randomArray(w.variable.size, seed + k), w.variable.shape)));
}

/** Copies weights by name and shape, as loading a checkpoint does. */
function loadWeights(target: NamedVariable[], source: NamedVariable[]): void {
  expect(target.map((w) => [w.name, w.variable.shape])).toEqual(source.map((w) => [w.name, w.variable.shape]));
  target.forEach((w, k) => w.variable.assign(source[k]!.variable));
}

describe("serialisation round trip through tfjs's registry", () => {
  let x: tf.Tensor3D;
  let mask: tf.Tensor3D;
  beforeAll(() => {
    x = fixture().x;
    mask = tf.tensor3d(
      Float32Array.from({ length: T * B }, (_, k) => (k % B === 1 && Math.floor(k / B) >= 3 ? 0 : 1)),
      [T, B, 1],
    );
  });

  /** Outputs and final states over a masked sequence, for any cell. */
  const cellOutputs = (cell: tf.serialization.Serializable) => {
    const r = runSequence(cell as unknown as RecurrentCell, x, { mask });
    return [r.outputs.arraySync(), ...r.final.map((s) => s.arraySync())];
  };

  test.each([
    [
      "SimpleRnnCell",
      SimpleRnnCell,
      () => new SimpleRnnCell({ units: H, inputSize: I, seed: 51, name: "enc" }),
      cellOutputs,
    ],
    [
      "LstmCell",
      LstmCell,
      () =>
        new LstmCell({
          units: H,
          inputSize: I,
          seed: 52,
          name: "l",
          recurrentActivation: "hardSigmoid",
          unitForgetBias: false,
        }),
      cellOutputs,
    ],
    [
      "GruCell",
      GruCell,
      () => new GruCell({ units: H, inputSize: I, seed: 53, recurrentActivation: "hardSigmoid" }),
      cellOutputs,
    ],
    [
      "SimpleRnn",
      SimpleRnn,
      () => new SimpleRnn({ units: H, inputSize: I, outputSize: 2, seed: 54, name: "char" }),
      (layer: tf.serialization.Serializable) => {
        const { y, h } = (layer as SimpleRnn).forward(tf.transpose(x, [1, 0, 2]) as tf.Tensor3D);
        return [y.arraySync(), h.arraySync()];
      },
    ],
    [
      "Bidirectional",
      Bidirectional,
      () =>
        new Bidirectional({
          forward: new LstmCell({ units: H, inputSize: I, seed: 55, name: "f", recurrentActivation: "hardSigmoid" }),
          backward: new GruCell({ units: H, inputSize: I, seed: 56, name: "b" }),
          merge: "sum",
        }),
      (layer: tf.serialization.Serializable) => {
        const r = (layer as Bidirectional).run(x, mask);
        return [r.outputs.arraySync(), r.final[0]!.arraySync()];
      },
    ],
  ] as const)(
    "%s: same class, same config and, with the same weights, the same outputs",
    (_name, cls, make, outputs) => {
      const original = make();
      const weights = (layer: tf.serialization.Serializable) =>
        (layer as unknown as { weights: NamedVariable[] }).weights;
      perturb(weights(original), 60);
      const saved = serialise(original);
      expect(saved.className).toBe(cls.className);
      const copy = deserialise(saved);
      expect(copy).toBeInstanceOf(cls);
      expect(copy.getConfig()).toEqual(original.getConfig());
      // Same config means same seed, so the copy would equal an unperturbed original: loading the weights matters.
      expect(outputs(copy)).not.toEqual(outputs(original));
      loadWeights(weights(copy), weights(original));
      expect(outputs(copy)).toEqual(outputs(original));
    },
  );

  test("a Bidirectional config rebuilds both nested cells, each of its own class", () => {
    const layer = new Bidirectional({
      forward: new SimpleRnnCell({ units: H, inputSize: I, name: "f" }),
      backward: new LstmCell({ units: H, inputSize: I, name: "b" }),
    });
    const copy = deserialise(serialise(layer)) as Bidirectional;
    expect(copy.forward).toBeInstanceOf(SimpleRnnCell);
    expect(copy.backward).toBeInstanceOf(LstmCell);
    expect(copy.merge).toBe("concat");
    expect(() => deserialise({ className: Bidirectional.className, config: { merge: "sum" } })).toThrow(/forward/);
  });
});

describe("fused whole-sequence ops equal the step-by-step autodiff path", () => {
  test.each([
    ["rnn", () => new SimpleRnnCell({ units: H, inputSize: I, seed: 21 })],
    ["lstm", () => new LstmCell({ units: H, inputSize: I, seed: 22 })],
    ["lstm hardSigmoid", () => new LstmCell({ units: H, inputSize: I, seed: 22, recurrentActivation: "hardSigmoid" })],
    ["gru", () => new GruCell({ units: H, inputSize: I, seed: 23 })],
    ["gru hardSigmoid", () => new GruCell({ units: H, inputSize: I, seed: 23, recurrentActivation: "hardSigmoid" })],
  ])(
    "%s: outputs, final states and every gradient (weights, inputs, initial state); masked, reversed",
    (_name, make) => {
      const cell = make();
      const x = tf.tensor3d(randomArray(T * B * I, 31), [T, B, I]);
      const readout = tf.tensor3d(randomArray(T * B * H, 32), [T, B, H]);
      const finalReadout = tf.tensor2d(randomArray(B * H, 33), [B, H]);
      const initial = Array.from({ length: cell.stateCount }, (_, k) =>
        tf.tensor2d(randomArray(B * H, 40 + k, 0.5), [B, H]),
      );
      const mask = tf.tensor3d(
        Float32Array.from({ length: T * B }, (_, k) => (k % B === 0 && Math.floor(k / B) >= 2 ? 0 : 1)),
        [T, B, 1],
      );
      for (const [m, reverse] of [
        [null, false],
        [mask, false],
        [null, true],
        [mask, true],
      ] as const) {
        const run = (fused: boolean) => {
          const f = (xIn: tf.Tensor, ...states: tf.Tensor[]) => {
            const r = runSequence(cell, xIn as tf.Tensor3D, {
              mask: m,
              initialState: states as tf.Tensor2D[],
              fused,
              reverse,
            });
            // Every final state enters the loss, so the c output of the fused LSTM is exercised too.
            const finals = r.final.map((s) => tf.sum(tf.mul(s, finalReadout)));
            return tf.addN([tf.sum(tf.mul(r.outputs, readout)), ...finals]) as tf.Scalar;
          };
          const { value, grads } = tf.variableGrads(
            () => f(x, ...initial),
            cell.weights.map((w) => w.variable),
          );
          const inputGrads = tf.grads(f)([x, ...initial]);
          return {
            loss: value.dataSync()[0] as number,
            weights: cell.weights.map((w) => grads[w.variable.name]!.dataSync()),
            inputs: inputGrads.map((g) => g.dataSync()),
          };
        };
        const fused = run(true);
        const reference = run(false);
        expect(fused.loss).toBeCloseTo(reference.loss, 4);
        // Same maths, different summation order (one big dU matMul vs T small ones): 1e-5 absolute.
        [...fused.weights, ...fused.inputs].forEach((g, k) => {
          const ref = [...reference.weights, ...reference.inputs][k]!;
          g.forEach((v, i) => expect(Math.abs(v - (ref[i] as number))).toBeLessThan(1e-5));
        });
      }
    },
  );
});
