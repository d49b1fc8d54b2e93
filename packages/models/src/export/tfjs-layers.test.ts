import * as tf from "@tensorflow/tfjs";
import { createTask } from "@seqlab/datasets";
import { initBackend } from "../backend/init-backend";
import { encodeCheckpoint } from "../checkpoint";
import { createTrainer } from "../training/trainer";
import type { CheckpointMeta, ModelIO, ModelOutput, SequenceTrainer, TrainingBatch } from "../types";
import { CheckpointExportError } from "./checkpoint-export-error";
import {
  TFJS_WEIGHTS_FILE,
  checkpointToTfjsLayers,
  tfjsLayersExportProblem,
  type TfjsLayersExport,
} from "./tfjs-layers";

// Every case trains a small model for 3 steps on the cpu backend, then loads its export with stock tfjs.
jest.setTimeout(120_000);

// cpu: deterministic, and the backend the other model tests use.
beforeAll(async () => {
  await initBackend({ prefer: "cpu" });
});

/** Agreement of the export's predictions with the trainer's: float32 arithmetic in a different op order. */
const TOLERANCE = 1e-5;

const optimizer = { name: "adam", learningRate: 0.01, clipNorm: 1 } as const;

/** A trainer after 3 optimiser steps on the task's first training batches, and its checkpoint. */
async function trained(
  model: string,
  io: ModelIO,
  hyperparameters: Record<string, unknown>,
  batchOf: (i: number) => TrainingBatch,
): Promise<{ trainer: SequenceTrainer; bytes: Uint8Array }> {
  const trainer = await createTrainer({ model, hyperparameters, io, optimizer, seed: 5 });
  for (let i = 0; i < 3; i++) await trainer.trainStep(batchOf(i));
  return { trainer, bytes: await trainer.saveCheckpoint() };
}

/** The export loaded by plain tf.loadLayersModel, from model.json's text (what the server sends) and the weights. */
async function load({ modelJson, weightData }: TfjsLayersExport): Promise<tf.LayersModel> {
  const json = JSON.parse(JSON.stringify(modelJson)) as typeof modelJson;
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest[0]?.weights ?? [],
      weightData,
      userDefinedMetadata: json.userDefinedMetadata,
    }),
  );
}

/** `model.predict` on row-major inputs [batch, steps, features]. */
async function predict(model: tf.LayersModel, inputs: Float32Array, shape: [number, number, number]) {
  const x = tf.tensor3d(inputs, shape);
  const y = model.predict(x) as tf.Tensor;
  const out = { values: Float32Array.from(await y.data()), shape: y.shape };
  tf.dispose([x, y]);
  return out;
}

function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return max;
}

/** Largest |value|: the comparisons below must not pass because both sides are (nearly) zero. */
function magnitude(output: ModelOutput): number {
  return output.values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
}

/** Trains, exports, loads the export with stock tfjs and compares its predictions with the trainer's on `batch`. */
async function expectSamePredictions(
  model: string,
  io: ModelIO,
  hyperparameters: Record<string, unknown>,
  batchOf: (i: number) => TrainingBatch,
  batch: TrainingBatch,
  exportShape: number[],
): Promise<void> {
  const { trainer, bytes } = await trained(model, io, hyperparameters, batchOf);
  const loaded = await load(checkpointToTfjsLayers(bytes));
  try {
    const expected = await trainer.predict(batch);
    const actual = await predict(loaded, batch.inputs, [batch.size, io.inputLength, io.inputFeatures]);
    expect(actual.shape).toEqual(exportShape);
    expect(magnitude(expected)).toBeGreaterThan(1e-2);
    expect(maxAbsDifference(actual.values, expected.values)).toBeLessThan(TOLERANCE);
  } finally {
    trainer.dispose();
    loaded.dispose();
  }
}

describe("checkpointToTfjsLayers: stock tfjs predicts what the trainer predicts", () => {
  const adding = createTask("adding", { length: 12 }, 1);
  const addingBatches = (i: number) => adding.split("train").batch(i, 8);
  const addingBatch = adding.split("validation").batch(0, 8);

  it("rnn, two layers, many-to-one regression (adding, no output bias)", async () => {
    await expectSamePredictions("rnn", adding.spec, { units: 8, layers: 2 }, addingBatches, addingBatch, [8, 1]);
  });

  it("lstm, many-to-one regression with sigmoid gates (adding)", async () => {
    await expectSamePredictions("lstm", adding.spec, { units: 8 }, addingBatches, addingBatch, [8, 1]);
  });

  it("lstm, tagging with hard-sigmoid gates and no forget-bias init (copy-memory)", async () => {
    const task = createTask("copy-memory", { delay: 5, alphabetSize: 4, sequenceLength: 4 }, 2);
    await expectSamePredictions(
      "lstm",
      task.spec,
      { units: 8, recurrentActivation: "hardSigmoid", unitForgetBias: false },
      (i) => task.split("train").batch(i, 8),
      task.split("validation").batch(0, 8),
      [8, task.spec.inputLength, task.spec.outputSize],
    );
  });

  it("bilstm, two concatenated layers, tagging (char-lm)", async () => {
    const task = createTask("char-lm", { length: 12, corpusSentences: 200 }, 3);
    await expectSamePredictions(
      "bilstm",
      task.spec,
      { units: 6, layers: 2 },
      (i) => task.split("train").batch(i, 8),
      task.split("validation").batch(0, 8),
      [8, 12, task.spec.outputSize],
    );
  });

  it("bilstm, summed directions, many-to-one regression (adding)", async () => {
    await expectSamePredictions("bilstm", adding.spec, { units: 6, merge: "sum" }, addingBatches, addingBatch, [8, 1]);
  });

  it("a many-to-one head with several target steps ends in a Reshape to [targetLength, outputSize]", async () => {
    const io: ModelIO = {
      problemType: "many-to-one",
      inputFeatures: 3,
      inputLength: 7,
      outputKind: "regression",
      outputSize: 2,
      targetLength: 3,
      heads: ["forecast"],
    };
    const batchOf = (i: number): TrainingBatch => {
      const size = 4;
      const values = (n: number) => Float32Array.from({ length: n }, (_, k) => Math.sin(1.7 * k + 0.3 * i));
      return {
        size,
        inputs: values(size * 7 * 3),
        inputMask: new Float32Array(size * 7).fill(1),
        inputLengths: new Int32Array(size).fill(7),
        targets: values(size * 3 * 2),
        targetLengths: new Int32Array(size).fill(3),
        targetMask: new Float32Array(size * 3).fill(1),
      };
    };
    await expectSamePredictions("lstm", io, { units: 5 }, batchOf, batchOf(9), [4, 3, 2]);
  });

  it("keeps the checkpoint's metadata in model.json (getUserDefinedMetadata after loading)", async () => {
    const { trainer, bytes } = await trained("rnn", adding.spec, { units: 4 }, addingBatches);
    trainer.dispose();
    const exported = checkpointToTfjsLayers(bytes);
    const loaded = await load(exported);
    expect(loaded.getUserDefinedMetadata()).toEqual({
      seqlab: {
        format: "seqlab-checkpoint",
        model: "rnn",
        head: "regression",
        step: 3,
        seed: 5,
        hyperparameters: { units: 4, layers: 1, dropout: 0 },
        io: adding.spec,
      },
    });
    loaded.dispose();
  });
});

describe("padded sequences: the export reads every step it is given", () => {
  it("gives seqlab's output for a padded sequence fed at its real length (bilstm, ctc, speech-digits)", async () => {
    const task = createTask("speech-digits", { maxDigits: 2 }, 4);
    const io = task.spec;
    const { trainer, bytes } = await trained("bilstm", io, { units: 6 }, (i) => task.split("train").batch(i, 4));
    const loaded = await load(checkpointToTfjsLayers(bytes));
    try {
      const batch = task.split("validation").batch(0, 4);
      const expected = await trainer.predict(batch); // [4, inputLength, classes], padded steps masked
      const [, steps, classes] = expected.shape;
      const row = io.inputLength * io.inputFeatures;
      let paddedDifference = 0;
      for (let b = 0; b < batch.size; b++) {
        const length = batch.inputLengths[b] as number;
        expect(length).toBeLessThan(io.inputLength);
        const real = batch.inputs.subarray(b * row, b * row + length * io.inputFeatures);
        const actual = await predict(loaded, Float32Array.from(real), [1, length, io.inputFeatures]);
        const start = b * steps * classes;
        const wanted = expected.values.subarray(start, start + length * classes);
        expect(maxAbsDifference(actual.values, wanted)).toBeLessThan(TOLERANCE);
        // Fed with its padding, the backward direction reads the padded steps too: seqlab's mask is not in the export.
        const whole = await predict(loaded, Float32Array.from(batch.inputs.subarray(b * row, (b + 1) * row)), [
          1,
          io.inputLength,
          io.inputFeatures,
        ]);
        paddedDifference = Math.max(
          paddedDifference,
          maxAbsDifference(whole.values.subarray(0, length * classes), wanted),
        );
      }
      expect(paddedDifference).toBeGreaterThan(1e-3);
    } finally {
      trainer.dispose();
      loaded.dispose();
    }
  });

  it("pools the last real step when a padded sequence is fed at its real length (lstm, babi-qa)", async () => {
    const task = createTask("babi-qa", { storyLength: 2 }, 5);
    const io = task.spec;
    const { trainer, bytes } = await trained("lstm", io, { units: 8 }, (i) => task.split("train").batch(i, 8));
    const loaded = await load(checkpointToTfjsLayers(bytes));
    try {
      const batch = task.split("validation").batch(0, 4);
      const expected = await trainer.predict(batch); // [4, 1, classes]
      const row = io.inputLength * io.inputFeatures;
      for (let b = 0; b < batch.size; b++) {
        const length = batch.inputLengths[b] as number;
        const real = Float32Array.from(batch.inputs.subarray(b * row, b * row + length * io.inputFeatures));
        const actual = await predict(loaded, real, [1, length, io.inputFeatures]);
        const wanted = expected.values.subarray(b * io.outputSize, (b + 1) * io.outputSize);
        expect(maxAbsDifference(actual.values, wanted)).toBeLessThan(TOLERANCE);
      }
    } finally {
      trainer.dispose();
      loaded.dispose();
    }
  });
  it("gives seqlab's masked output for a padded batch behind a Masking layer when no real step is all zeros", async () => {
    // babi-qa's steps are one-hot tokens, so only padding is all zeros (docs/checkpoint-format.md shows the recipe).
    const task = createTask("babi-qa", { storyLength: 3 }, 6);
    const io = task.spec;
    const { trainer, bytes } = await trained("bilstm", io, { units: 6, layers: 2 }, (i) =>
      task.split("train").batch(i, 8),
    );
    const loaded = await load(checkpointToTfjsLayers(bytes));
    const masked = tf.sequential();
    masked.add(tf.layers.masking({ maskValue: 0, batchInputShape: [null, null, io.inputFeatures] }));
    for (const layer of loaded.layers) masked.add(layer);
    try {
      const batch = task.split("validation").batch(0, 8);
      expect(Math.min(...batch.inputLengths)).toBeLessThan(io.inputLength);
      const expected = await trainer.predict(batch);
      const shape: [number, number, number] = [batch.size, io.inputLength, io.inputFeatures];
      expect(maxAbsDifference((await predict(masked, batch.inputs, shape)).values, expected.values)).toBeLessThan(
        TOLERANCE,
      );
      expect(maxAbsDifference((await predict(loaded, batch.inputs, shape)).values, expected.values)).toBeGreaterThan(
        1e-3,
      );
    } finally {
      trainer.dispose();
      loaded.dispose();
    }
  });
});

describe("model.json is what tfjs-layers itself writes", () => {
  /** What tfjs saves for a model: its topology and weight specs (weights.bin's layout). */
  async function saved(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
      }),
    );
    return artifacts as tf.io.ModelArtifacts;
  }
  const zeros = { kernelInitializer: "zeros", recurrentInitializer: "zeros", biasInitializer: "zeros" } as const;

  it("for stacked SimpleRNNs, a Dense without bias and a Reshape", async () => {
    const io: ModelIO = {
      problemType: "many-to-one",
      inputFeatures: 3,
      inputLength: 5,
      outputKind: "regression",
      outputSize: 2,
      targetLength: 4,
      heads: ["regression"],
    };
    const trainer = await createTrainer({
      model: "rnn",
      hyperparameters: { units: 4, layers: 2 },
      io,
      optimizer,
      seed: 1,
    });
    const exported = checkpointToTfjsLayers(await trainer.saveCheckpoint());
    trainer.dispose();
    const stock = tf.sequential({ name: "seqlab_rnn" });
    stock.add(
      tf.layers.simpleRNN({
        name: "layer0",
        units: 4,
        returnSequences: true,
        batchInputShape: [null, null, 3],
        ...zeros,
      }),
    );
    stock.add(tf.layers.simpleRNN({ name: "layer1", units: 4, ...zeros }));
    stock.add(tf.layers.dense({ name: "output", units: 8, useBias: false, kernelInitializer: "zeros" }));
    stock.add(tf.layers.reshape({ name: "reshape", targetShape: [4, 2] }));
    const artifacts = await saved(stock);
    stock.dispose();
    expect(exported.modelJson.modelTopology).toEqual(artifacts.modelTopology);
    expect(exported.modelJson.weightsManifest).toEqual([
      { paths: [TFJS_WEIGHTS_FILE], weights: artifacts.weightSpecs },
    ]);
    expect(exported.weightData.byteLength).toBe((artifacts.weightData as ArrayBuffer).byteLength);
  });

  it("for stacked Bidirectional LSTMs with hard-sigmoid gates and a Dense with bias", async () => {
    const task = createTask("char-lm", { length: 6, corpusSentences: 200 }, 1);
    const hyperparameters = { units: 3, layers: 2, merge: "sum", recurrentActivation: "hardSigmoid" };
    const trainer = await createTrainer({ model: "bilstm", hyperparameters, io: task.spec, optimizer, seed: 1 });
    const exported = checkpointToTfjsLayers(await trainer.saveCheckpoint());
    trainer.dispose();
    const lstm = () =>
      tf.layers.lstm({
        name: "lstm",
        units: 3,
        returnSequences: true,
        recurrentActivation: "hardSigmoid",
        unitForgetBias: true,
        ...zeros,
      }) as tf.RNN;
    const features = task.spec.inputFeatures;
    const stock = tf.sequential({ name: "seqlab_bilstm" });
    stock.add(
      tf.layers.bidirectional({
        name: "layer0",
        mergeMode: "sum",
        layer: lstm(),
        batchInputShape: [null, null, features],
      }),
    );
    stock.add(tf.layers.bidirectional({ name: "layer1", mergeMode: "sum", layer: lstm() }));
    stock.add(tf.layers.dense({ name: "output", units: task.spec.outputSize, kernelInitializer: "zeros" }));
    const artifacts = await saved(stock);
    stock.dispose();
    expect(exported.modelJson.modelTopology).toEqual(artifacts.modelTopology);
    expect(exported.modelJson.weightsManifest[0]?.weights).toEqual(artifacts.weightSpecs);
  });
});

describe("loading over HTTP, as a browser does from the API", () => {
  it("fetches weights.bin beside model.json", async () => {
    const adding = createTask("adding", { length: 6 }, 1);
    const { trainer, bytes } = await trained("lstm", adding.spec, { units: 4 }, (i) =>
      adding.split("train").batch(i, 4),
    );
    const { modelJson, weightData } = checkpointToTfjsLayers(bytes);
    const base = "http://seqlab.test/api/artifacts/a1/tfjs";
    const files = new Map<string, string | ArrayBuffer>([
      [`${base}/model.json`, JSON.stringify(modelJson)],
      [`${base}/weights.bin`, weightData],
    ]);
    const requested: string[] = [];
    // What tfjs reads of a fetch Response, made in this realm: bodies of Node's own Response come from outside
    // Jest's sandbox, where tfjs's `instanceof Array` checks fail on them (a browser has one realm).
    const fetchFunc = async (input: string | URL | Request) => {
      const url = String(input);
      requested.push(url);
      const body = files.get(url);
      const response = {
        ok: body !== undefined,
        status: body === undefined ? 404 : 200,
        json: async () => JSON.parse(body as string) as unknown,
        arrayBuffer: async () => body,
      };
      return response as unknown as Response;
    };
    const loaded = await tf.loadLayersModel(`${base}/model.json`, { fetchFunc });
    try {
      expect(requested).toEqual([`${base}/model.json`, `${base}/weights.bin`]);
      const batch = adding.split("validation").batch(0, 4);
      const expected = await trainer.predict(batch);
      const actual = await predict(loaded, batch.inputs, [4, 6, 2]);
      expect(maxAbsDifference(actual.values, expected.values)).toBeLessThan(TOLERANCE);
    } finally {
      trainer.dispose();
      loaded.dispose();
    }
  });
});

describe("what the export refuses, and why", () => {
  const adding = createTask("adding", { length: 4 }, 1).spec;
  const metaOf = (model: string, io: ModelIO, hyperparameters: Record<string, unknown> = {}): CheckpointMeta => ({
    format: "seqlab-checkpoint",
    version: 1,
    model,
    hyperparameters,
    io,
    optimizer,
    seed: 0,
    step: 0,
  });

  it.each([
    ["gru", adding, /reset gate after the recurrent matMul/],
    ["wavenet", adding, /causal dilated convolutions/],
    ["seq2seq-attention", createTask("translation-dates", {}, 1).spec, /feeds its own previous output/],
    ["cnn-bilstm-ctc", adding, /masked by each line's real width/],
    ["lstm", createTask("captioning", {}, 1).spec, /"generation" head/],
    ["transformer", adding, /not one of the catalog models the export writes/],
  ])("%s: a CheckpointExportError naming the model and the reason", (model, io, reason) => {
    const meta = metaOf(model, io);
    const bytes = encodeCheckpoint(meta, []);
    expect(() => checkpointToTfjsLayers(bytes)).toThrow(CheckpointExportError);
    expect(() => checkpointToTfjsLayers(bytes)).toThrow(
      new RegExp(`^model "${model}" cannot be exported as a TensorFlow.js layers model: `),
    );
    expect(() => checkpointToTfjsLayers(bytes)).toThrow(reason);
    expect(tfjsLayersExportProblem(meta)).toMatch(reason);
  });

  it("finds no problem with the models it writes", () => {
    for (const model of ["rnn", "lstm", "bilstm"]) expect(tfjsLayersExportProblem(metaOf(model, adding))).toBeNull();
  });

  it("refuses bytes that are not a checkpoint, and tensors that do not fit the hyperparameters", () => {
    expect(() => checkpointToTfjsLayers(new Uint8Array([1, 2, 3]))).toThrow(
      new CheckpointExportError(
        "the artifact is not a readable seqlab checkpoint: not a seqlab checkpoint: shorter than its 12-byte preamble",
      ),
    );
    const meta = metaOf("lstm", adding, { units: 4 });
    expect(() => checkpointToTfjsLayers(encodeCheckpoint(meta, []))).toThrow(
      /tensor "model\/layer0\/kernel" is missing/,
    );
    const wrong = [
      { name: "model/layer0/kernel", dtype: "float32" as const, shape: [2, 8], values: new Float32Array(16) },
    ];
    expect(() => checkpointToTfjsLayers(encodeCheckpoint(meta, wrong))).toThrow(
      'the "lstm" checkpoint cannot be exported: tensor "model/layer0/kernel" has shape [2,8], its hyperparameters and task need [2,16]',
    );
  });
});
