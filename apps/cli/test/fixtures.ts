import type { CliRunDetail } from "../src/api-schemas";

/** A run as GET /api/v1/runs/:id answers it, with `overrides`. */
export function runDetail(overrides: Partial<CliRunDetail> = {}): CliRunDetail {
  return {
    id: "run1",
    name: "lstm-adding",
    project: "default",
    team: "lab",
    createdBy: { id: "u1", name: "Ada" },
    status: "QUEUED",
    modelName: "lstm",
    datasetName: "adding",
    lastStep: null,
    finalLoss: null,
    attempt: 0,
    createdAt: "2025-01-01T00:00:00.000Z",
    startedAt: null,
    finishedAt: null,
    tags: [],
    external: false,
    notes: "",
    config: {
      model: "lstm",
      modelHyperparameters: { units: 64 },
      dataset: "adding",
      datasetParams: { length: 50 },
      training: {
        steps: 100,
        batchSize: 32,
        optimizer: "adam",
        learningRate: 0.01,
        clipNorm: 1,
        evalEvery: 25,
        checkpointEvery: 250,
        checkpointEveryMinutes: 10,
        maxRestarts: 3,
        trainMetricsEvery: 1,
        validateWholeSplit: false,
        gradientFlow: true,
        logPredictions: true,
      },
      seed: 42,
    },
    externalInfo: null,
    sweep: null,
    seed: 42,
    priority: 0,
    queueName: "default",
    maxAttempts: 3,
    errorReason: null,
    backend: null,
    device: null,
    parent: null,
    artifacts: [],
    events: [],
    attempts: [],
    queuePosition: null,
    queueWarning: null,
    ...overrides,
  };
}

/** The catalog's names (GET /api/v1/catalog answers more, which the CLI ignores). */
export const catalog = {
  models: [{ name: "rnn" }, { name: "lstm" }, { name: "gru" }],
  datasets: [{ name: "adding" }, { name: "copy" }],
  training: { params: {}, defaultParams: {} },
};
