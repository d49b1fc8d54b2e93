import * as tf from "@tensorflow/tfjs";
import type { ModelIO } from "../types";
import { dilatedConv1d } from "./dilated-conv";
import { buildWaveNet, receptiveField, WaveNetHyperparameters } from "./wavenet";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const aligned = (features: number, length: number, outputSize: number): ModelIO => ({
  problemType: "many-to-many-aligned",
  inputFeatures: features,
  inputLength: length,
  outputKind: "classes",
  outputSize,
  targetLength: length,
  heads: ["tagging"],
});

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

describe("dilatedConv1d (pad + shifted slices + concat + one matMul)", () => {
  it.each([
    [1, 1],
    [2, 1],
    [2, 4],
    [3, 2],
    [4, 3],
  ])(
    "equals tf.conv1d with kernel %i, dilation %i on left-padded random data (causal) and on 'same' padding",
    (k, d) => {
      tf.tidy(() => {
        const x = tf.randomNormal([3, 17, 5], 0, 1, "float32", 1) as tf.Tensor3D;
        const filter = tf.randomNormal([k, 5, 6], 0, 1, "float32", 2) as tf.Tensor3D;
        const bias = tf.randomNormal([6], 0, 1, "float32", 3) as tf.Tensor1D;
        const kernel = tf.reshape(filter, [k * 5, 6]) as tf.Tensor2D;
        const span = (k - 1) * d;
        // tf.conv1d's dilated forward pass works (only its gradient is missing): the reference.
        const causalRef = tf.add(
          tf.conv1d(
            tf.pad(x, [
              [0, 0],
              [span, 0],
              [0, 0],
            ]),
            filter,
            1,
            "valid",
            "NWC",
            d,
          ),
          bias,
        );
        const causal = dilatedConv1d(x, kernel, bias, k, d, "causal");
        expect(causal.shape).toEqual([3, 17, 6]);
        expect(maxAbsDiff(causal.dataSync(), causalRef.dataSync())).toBeLessThan(1e-4);
        const left = Math.floor(span / 2);
        const sameRef = tf.conv1d(
          tf.pad(x, [
            [0, 0],
            [left, span - left],
            [0, 0],
          ]),
          filter,
          1,
          "valid",
          "NWC",
          d,
        );
        expect(maxAbsDiff(dilatedConv1d(x, kernel, null, k, d, "same").dataSync(), sameRef.dataSync())).toBeLessThan(
          1e-4,
        );
      });
    },
  );

  it("has a gradient with respect to its kernel (tf.conv1d's dilated gradient throws)", () => {
    tf.tidy(() => {
      const x = tf.randomNormal([2, 9, 3], 0, 1, "float32", 4) as tf.Tensor3D;
      const kernel = tf.randomNormal([6, 4], 0, 1, "float32", 5) as tf.Tensor2D;
      const g = tf.grad((w: tf.Tensor) =>
        dilatedConv1d(x, w as tf.Tensor2D, null, 2, 3)
          .square()
          .sum(),
      )(kernel);
      expect(g.shape).toEqual([6, 4]);
      expect(tf.abs(g).sum().dataSync()[0]).toBeGreaterThan(0);
    });
  });
});

describe("WaveNetHyperparameters", () => {
  it("applies defaults and rejects dilations that are not strictly increasing, naming the field", () => {
    expect(WaveNetHyperparameters.parse({}).dilations).toEqual([1, 2, 4, 8, 16]);
    const bad = WaveNetHyperparameters.safeParse({ dilations: [1, 2, 2, 4] });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toMatch(/dilations must be strictly increasing/);
    expect(bad.error?.issues[0]?.path).toEqual(["dilations"]);
    expect(WaveNetHyperparameters.safeParse({ kernelSize: 0 }).success).toBe(false);
    expect(() => buildWaveNet({ dilations: [4, 2] }, aligned(2, 8, 3))).toThrow(/strictly increasing/);
    expect(() => buildWaveNet({}, { ...aligned(2, 1, 3), problemType: "one-to-many", heads: ["generation"] })).toThrow(
      /one-to-many/,
    );
  });
});

describe("buildWaveNet", () => {
  it("is causal: output at t never changes when inputs after t change", () => {
    const model = buildWaveNet({ residualChannels: 8, skipChannels: 8, dilations: [1, 2, 4] }, aligned(3, 20, 4), {
      seed: 1,
    });
    tf.tidy(() => {
      const x = tf.randomNormal([2, 20, 3], 0, 1, "float32", 7) as tf.Tensor3D;
      const y = model.forward(x, { training: false });
      expect(y.shape).toEqual([2, 20, 4]);
      for (const t of [0, 5, 13, 18]) {
        const noise = tf.randomNormal([2, 19 - t, 3], 0, 5, "float32", t);
        const x2 = tf.concat([tf.slice(x, [0, 0, 0], [2, t + 1, 3]), noise], 1) as tf.Tensor3D;
        const y2 = model.forward(x2, { training: false });
        // Exactly equal: the same arithmetic on the same values, so not even rounding may differ.
        expect(Array.from(tf.slice(y2, [0, 0, 0], [2, t + 1, 4]).dataSync())).toEqual(
          Array.from(tf.slice(y, [0, 0, 0], [2, t + 1, 4]).dataSync()),
        );
        expect(maxAbsDiff(y2.dataSync(), y.dataSync())).toBeGreaterThan(0);
      }
    });
    model.dispose();
  });

  it.each([
    [2, [1, 2, 4, 8]],
    [3, [1, 3, 5]],
  ])(
    "has the receptive field 1 + (k-1) sum(d) (kernel %i, dilations %j), measured by an impulse test",
    (k, dilations) => {
      const rf = receptiveField(k, dilations);
      expect(rf).toBe(1 + (k - 1) * dilations.reduce((a, b) => a + b, 0));
      const T = rf + 10;
      const model = buildWaveNet({ residualChannels: 6, skipChannels: 6, kernelSize: k, dilations }, aligned(2, T, 3), {
        seed: 2,
      });
      expect(model.receptiveField).toBe(rf);
      tf.tidy(() => {
        const x = tf.randomNormal([1, T, 2], 0, 1, "float32", 9) as tf.Tensor3D;
        const t = T - 3;
        // d y_t / d x_s is nonzero exactly for s in [t - rf + 1, t]: the impulse response of the stack.
        const g = tf.grad((z: tf.Tensor) =>
          tf.slice(model.forward(z as tf.Tensor3D, { training: false }), [0, t, 0], [1, 1, 3]).sum(),
        )(x);
        const perStep = tf.abs(g).sum(2).dataSync();
        const influenced: number[] = [];
        perStep.forEach((v, s) => {
          if (v > 0) influenced.push(s);
        });
        expect(influenced.length).toBe(rf);
        expect(influenced[0]).toBe(t - rf + 1);
        expect(influenced[influenced.length - 1]).toBe(t);
      });
      model.dispose();
    },
  );

  it("has gradients that match central differences (float32, eps 1e-2)", () => {
    const model = buildWaveNet(
      { residualChannels: 4, skipChannels: 4, kernelSize: 2, dilations: [1, 2] },
      aligned(2, 7, 3),
      { seed: 3 },
    );
    const x = tf.randomNormal([2, 7, 2], 0, 1, "float32", 11) as tf.Tensor3D;
    const probe = tf.randomNormal([2, 7, 3], 0, 1, "float32", 12);
    const lossFn = (): tf.Scalar => tf.sum(tf.mul(model.forward(x, { training: true }), probe));
    const { grads } = tf.variableGrads(lossFn, model.variables);
    const eps = 1e-2;
    const base = tf.tidy(() => lossFn().dataSync()[0] as number);
    let checked = 0;
    let kinks = 0;
    const failures: string[] = [];
    model.variables.forEach((v, vi) => {
      const g = (grads[v.name] as tf.Tensor).dataSync();
      const values = v.dataSync().slice();
      // Three entries per variable keep the test fast while covering every layer and the head.
      for (const i of [0, Math.floor(values.length / 2), values.length - 1]) {
        const orig = values[i] as number;
        values[i] = orig + eps;
        v.assign(tf.tensor(values, v.shape));
        const plus = tf.tidy(() => lossFn().dataSync()[0] as number);
        values[i] = orig - eps;
        v.assign(tf.tensor(values, v.shape));
        const minus = tf.tidy(() => lossFn().dataSync()[0] as number);
        values[i] = orig;
        v.assign(tf.tensor(values, v.shape));
        const fd = (plus - minus) / (2 * eps);
        // A relu kink inside [-eps, eps] makes central differences meaningless there: the one-sided slopes disagree.
        if (Math.abs((plus - base) / eps - (base - minus) / eps) > 0.05 * Math.max(1, Math.abs(fd))) {
          kinks++;
          continue;
        }
        if (Math.abs(fd - (g[i] as number)) > 5e-3 * Math.max(1, Math.abs(fd)))
          failures.push(`${model.variableNames[vi]}[${i}]: fd ${fd} vs ${g[i]}`);
        checked++;
      }
    });
    expect(failures).toEqual([]);
    expect(kinks).toBeLessThanOrEqual(3);
    expect(checked + kinks).toBe(model.variables.length * 3);
    tf.dispose([x, probe, ...Object.values(grads)]);
    model.dispose();
  });

  it("reads the last real step for many-to-one tasks and is seeded", () => {
    const io: ModelIO = {
      ...aligned(2, 10, 3),
      problemType: "many-to-one",
      targetLength: 1,
      outputKind: "regression",
      outputSize: 2,
      heads: ["regression"],
    };
    const a = buildWaveNet({ dilations: [1, 2] }, io, { seed: 5 });
    const b = buildWaveNet({ dilations: [1, 2] }, io, { seed: 5 });
    expect(a.variableNames).toEqual(b.variableNames);
    expect(maxAbsDiff(a.variables[2]?.dataSync() ?? [], b.variables[2]?.dataSync() ?? [1])).toBe(0);
    tf.tidy(() => {
      const x = tf.randomNormal([2, 10, 2], 0, 1, "float32", 13) as tf.Tensor3D;
      const lengths = Int32Array.from([6, 10]);
      const y = a.forward(x, { training: false, inputLengths: lengths });
      expect(y.shape).toEqual([2, 1, 2]);
      // Changing padding after sample 0's length leaves its output alone.
      const x2 = tf.concat([tf.slice(x, [0, 0, 0], [2, 6, 2]), tf.ones([2, 4, 2])], 1) as tf.Tensor3D;
      const y2 = a.forward(x2, { training: false, inputLengths: lengths });
      expect(Array.from(y2.dataSync().slice(0, 2))).toEqual(Array.from(y.dataSync().slice(0, 2)));
    });
    expect(a.getConfig()).toMatchObject({ model: "wavenet", receptiveField: 4, dilations: [1, 2] });
    a.dispose();
    b.dispose();
  });
});
