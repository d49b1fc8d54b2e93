import * as tf from "@tensorflow/tfjs";
import { initBackend, LstmCell, GruCell, runSequence } from "./index";
(async () => {
  await initBackend({ prefer: (process.argv[2] as "wasm") ?? "wasm" });
  const T = 64, B = 32, I = 32, H = 128;
  const x = tf.randomNormal([T, B, I]) as tf.Tensor3D;
  for (const [name, cell] of [["lstm", new LstmCell({ units: H, inputSize: I })], ["gru", new GruCell({ units: H, inputSize: I })]] as const) {
    for (const fused of [true, false]) {
      const vars = cell.weights.map((w) => w.variable);
      for (let rep = 0; rep < 3; rep++) {
        const t0 = performance.now();
        const fwd = tf.tidy(() => tf.sum(runSequence(cell, x, { fused }).outputs));
        await fwd.data(); fwd.dispose();
        const t1 = performance.now();
        let kernels = 0;
        const prof = await tf.profile(async () => {
          const { value, grads } = tf.variableGrads(() => tf.sum(runSequence(cell, x, { fused }).outputs) as tf.Scalar, vars);
          await value.data(); tf.dispose([value, ...Object.values(grads)]);
        });
        const t2 = performance.now();
        kernels = prof.kernels.length;
        const byName = new Map<string, number>();
        for (const k of prof.kernels) byName.set(k.name, (byName.get(k.name) ?? 0) + 1);
        if (rep === 2) console.log(name, fused ? "fused" : "autodiff", "fwd", (t1 - t0).toFixed(0), "fwd+bwd", (t2 - t1).toFixed(0), "kernels", kernels, [...byName].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, n]) => `${k}:${n}`).join(" "));
      }
    }
  }
})();
