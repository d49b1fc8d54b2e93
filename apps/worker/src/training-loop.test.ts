import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  EvaluationResult,
  GradientFlowSnapshot,
  PredictionInputs,
  PredictionsSnapshot,
  TrainingSettings,
} from "@seqlab/contracts";
import { getTask, taskCatalog } from "@seqlab/datasets";
import { getModelDefinition, initBackend, modelCatalog } from "@seqlab/models";
import type { ChildMessage } from "./trainer-protocol";
import { runTrainingLoop } from "./training-loop";

jest.setTimeout(600_000);

/** Every dataset with every model whose heads fit it: what the launch form can offer must train. */
const pairs = taskCatalog.flatMap((task) => {
  const heads = task.specFor(task.params.parse({})).heads;
  return modelCatalog.filter((m) => m.heads.some((h) => heads.includes(h))).map((m) => [task.name, m.name] as const);
});

/** Shrinks a model's defaults so two steps stay quick; only fields the schema has are set. */
function smallHyperparameters(model: string): Record<string, unknown> {
  const shape = modelCatalog.find((m) => m.name === model)!.hyperparameters.shape as Record<string, unknown>;
  const wanted: Record<string, unknown> = {
    units: 8,
    layers: 1,
    channels: 8,
    residualChannels: 8,
    skipChannels: 8,
    hiddenUnits: 8,
    embeddingSize: 8,
    attentionUnits: 8,
    convChannels: 8,
    lstmUnits: 8,
    hidden: 8,
  };
  return Object.fromEntries(Object.entries(wanted).filter(([k]) => k in shape));
}

describe("training loop over the whole catalog (wasm)", () => {
  const spoolDir = mkdtempSync(path.join(tmpdir(), "seqlab-spool-"));
  beforeAll(async () => {
    await initBackend({ prefer: "wasm" });
  });
  afterAll(() => rmSync(spoolDir, { recursive: true, force: true }));

  it("offers at least one model for every dataset", () => {
    for (const task of taskCatalog) expect(pairs.some(([t]) => t === task.name)).toBe(true);
  });

  it.each(pairs)(
    "%s with %s trains two steps, evaluates, checkpoints and reports metrics, then the test split",
    async (dataset, model) => {
      const messages: ChildMessage[] = [];
      await runTrainingLoop({
        runId: "r",
        attempt: 1,
        config: {
          model,
          modelHyperparameters: smallHyperparameters(model),
          dataset,
          datasetParams: { testSize: 6 },
          training: TrainingSettings.parse({ steps: 2, batchSize: 4, evalEvery: 2, checkpointEvery: 1 }),
          seed: 1,
        },
        emit: (m) => messages.push(m),
        stopRequested: () => null,
        spoolDir,
      });
      const done = messages.find((m) => m.type === "done");
      expect(done).toMatchObject({ outcome: "succeeded", step: 2 });
      const points = messages.flatMap((m) => (m.type === "metrics" ? m.points : []));
      expect(points.filter((p) => p.key === "train/loss").map((p) => p.step)).toEqual([1, 2]);
      expect(points.every((p) => Number.isFinite(p.value))).toBe(true);
      expect(points.some((p) => p.key === "val/loss")).toBe(true);
      // Regression tasks chart their errors, not a tolerance "accuracy" (it read as a classification accuracy).
      const regression = getTask(dataset).specFor(getTask(dataset).params.parse({})).outputKind === "regression";
      expect(points.some((p) => p.key === "val/accuracy")).toBe(!regression);
      expect(points.some((p) => p.key.endsWith("/accuracy"))).toBe(!regression);
      expect(messages.filter((m) => m.type === "checkpoint").map((m) => (m as { step: number }).step)).toEqual([1, 2]);

      // The whole test split, after the last checkpoint: every headline metric as a test/ point and in the result.
      const artifacts = messages.flatMap((m) => (m.type === "artifact" ? [m] : []));
      const evaluation = artifacts.find((a) => a.kind === "evaluation");
      expect(messages.findIndex((m) => m.type === "artifact" && m.kind === "evaluation")).toBeGreaterThan(
        messages.map((m) => m.type).lastIndexOf("checkpoint"),
      );
      const result = EvaluationResult.parse(JSON.parse(evaluation!.json));
      expect(result).toMatchObject({ split: "test", step: 2, samples: 6 });
      expect(result.metrics.map((m) => m.key)).toEqual(getTask(dataset).metric.evaluation);
      for (const m of result.metrics) {
        expect(points.find((p) => p.key === `test/${m.key}`)).toMatchObject({ step: 2, value: m.value });
      }
      // Gradient flow at the evaluation (step 2) for recurrent models only, one norm per input time step.
      const flow = artifacts.filter((a) => a.kind === "gradient-flow");
      if (getModelDefinition(model).recurrent) {
        expect(flow.map((a) => a.step)).toEqual([2]);
        const snapshot = GradientFlowSnapshot.parse(JSON.parse(flow[0]!.json));
        expect(snapshot.norms).toHaveLength(getTask(dataset).specFor(getTask(dataset).params.parse({})).inputLength);
      } else {
        expect(flow).toEqual([]);
      }
    },
  );
});
