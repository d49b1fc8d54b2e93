import * as tf from "@tensorflow/tfjs";
import { initBackend, createTrainer } from "./index";
(async () => {
  await initBackend({ prefer: "wasm" });
  const B = 32, T = 64, I = 32, C = 32;
  const io = { problemType: "many-to-many-aligned" as const, inputFeatures: I, inputLength: T, outputKind: "classes" as const, outputSize: C, targetLength: T, heads: ["tagging" as const] };
  const batch = { size: B, inputs: new Float32Array(B * T * I).map(() => Math.random()), targets: new Int32Array(B * T).map(() => Math.floor(Math.random() * C)), inputLengths: new Int32Array(B).fill(T), targetLengths: new Int32Array(B).fill(T), inputMask: new Float32Array(B * T).fill(1), targetMask: new Float32Array(B * T).fill(1) };
  for (const model of process.argv.slice(2)) {
    const tr = await createTrainer({ model, hyperparameters: {}, io, optimizer: { name: "adam", learningRate: 1e-3, clipNorm: 1 }, seed: 1 });
    for (let i = 0; i < 3; i++) { const s = performance.now(); await tr.trainStep(batch); console.log(model, (performance.now() - s).toFixed(0)); }
    const prof = await tf.profile(async () => { await tr.trainStep(batch); });
    const byName = new Map<string, [number, number]>();
    for (const k of prof.kernels) { const e = byName.get(k.name) ?? [0, 0]; e[0]++; e[1] += k.kernelTimeMs as number; byName.set(k.name, e); }
    console.log(model, prof.kernels.length, [...byName].sort((a, b) => b[1][1] - a[1][1]).slice(0, 10).map(([k, [n, ms]]) => `${k}:${n}:${ms.toFixed(0)}ms`).join(" "));
  }
})();
