import { z } from "zod";

/**
 * What a finished run's model scored on the whole test split, beside the task's trivial baseline on the same
 * split. Stored as the run's "evaluation" artifact; each metric is also a `test/<key>` metric point (so it is a
 * summary metric the runs table and compare can filter and sort by).
 */
export const EvaluationResult = z.object({
  split: z.literal("test"),
  /** The training step the evaluated weights are from (the run's last). */
  step: z.number().int().min(0),
  /** Samples scored: the whole split, each once. */
  samples: z.number().int().min(1),
  /** The task's headline metrics, in the order the task lists them (e.g. cer, corpusCer). */
  metrics: z.array(
    z.object({
      key: z.string().min(1).max(64),
      value: z.number(),
      /** The task's trivial baseline on the same split, when it has one for this metric. */
      baseline: z.number().nullable(),
      higherIsBetter: z.boolean(),
    }),
  ),
  /** Wall time of the evaluation, and of the training it followed (this attempt's steps), in ms. */
  evaluationMs: z.number().min(0),
  trainingMs: z.number().min(0),
});
export type EvaluationResult = z.infer<typeof EvaluationResult>;

/**
 * Gradient flow at one evaluation: the L2 norm of d(loss)/d(input at time step t), averaged over a validation
 * batch, for t = 0 .. T-1. Vanishing gradients show as norms that fall by orders of magnitude towards t = 0 on a
 * task whose answer depends on early inputs (a vanilla RNN on the adding problem); an LSTM keeps them flat.
 */
export const GradientFlowSnapshot = z.object({
  step: z.number().int().min(0),
  norms: z.array(z.number().min(0)).min(1).max(10_000),
});
export type GradientFlowSnapshot = z.infer<typeof GradientFlowSnapshot>;

/** A run's gradient flow: every snapshot, oldest first (what the heatmap draws, training step against time step). */
export const GradientFlow = z.object({
  timeSteps: z.number().int().min(0),
  snapshots: z.array(GradientFlowSnapshot),
});
export type GradientFlow = z.infer<typeof GradientFlow>;

const Text = z.string().max(4000);

/** A heatmap matrix, row-major: `rows` x `cols` values in [0, 1], with a label per row and per column. */
export const AttentionMap = z.object({
  rows: z.number().int().min(1).max(512),
  cols: z.number().int().min(1).max(2048),
  values: z.array(z.number()).max(512 * 2048),
  /** One label per output token (rows) and per source step (columns). */
  rowLabels: z.array(z.string().max(16)),
  colLabels: z.array(z.string().max(16)),
});
export type AttentionMap = z.infer<typeof AttentionMap>;

/**
 * One validation sample as the model saw it at one evaluation: its input (text, an image or spectrogram, or a
 * series), the ground truth, the model's prediction and what explains it, per task:
 *  - CTC tasks (handwriting lines, spoken digits): greedy and beam decodings, each one's CER, and the alignment
 *    (the argmax label of every output frame, "" for blank);
 *  - translation: the attention map (output tokens x source steps);
 *  - char-lm: continuations of the sample's opening at two temperatures;
 *  - captioning: the image and the caption the model generates;
 *  - time series: the forecast against the truth, after the input window;
 *  - adding, copy, bAbI: input, target and prediction rows.
 */
export const PredictionSample = z.object({
  /** Index of the sample in the validation split (the same samples at every evaluation, so steps compare). */
  index: z.number().int().min(0),
  input: z.object({
    text: Text.optional(),
    pngBase64: z.string().max(400_000).optional(),
    series: z.array(z.number()).max(20_000).optional(),
  }),
  target: Text,
  prediction: Text,
  /** The sample's own headline score (its CER, squared error, exact match...). */
  score: z.object({ key: z.string().max(64), value: z.number() }).optional(),
  /** CTC: beam-search decoding and its CER. */
  beam: z.object({ text: Text, cer: z.number() }).optional(),
  /** CTC: the argmax label at each output frame over time, "" where it is the blank. */
  alignment: z.array(z.string().max(16)).max(20_000).optional(),
  attention: AttentionMap.optional(),
  /** char-lm: the sample's opening, continued by sampling at each temperature. */
  continuations: z
    .array(z.object({ temperature: z.number().min(0), prompt: Text, text: Text }))
    .max(4)
    .optional(),
  /** Time series: the forecast of the target window against the truth (the input window is `input.series`). */
  forecast: z
    .object({ truth: z.array(z.number()).max(20_000), prediction: z.array(z.number()).max(20_000) })
    .optional(),
});
export type PredictionSample = z.infer<typeof PredictionSample>;

/**
 * The predictions of one evaluation: at most {@link MAX_PREDICTION_SAMPLES} samples. Stored as a "predictions"
 * artifact per evaluation, without the inputs' images and series: the samples are the same at every evaluation,
 * so those are stored once, as the run's "prediction-inputs" artifact ({@link PredictionInputs}).
 */
export const MAX_PREDICTION_SAMPLES = 16;
export const PredictionsSnapshot = z.object({
  step: z.number().int().min(0),
  task: z.string().max(64),
  samples: z.array(PredictionSample).max(MAX_PREDICTION_SAMPLES),
});
export type PredictionsSnapshot = z.infer<typeof PredictionsSnapshot>;

/** The inputs of the predicted samples, stored once per run (they are the same validation samples every time). */
export const PredictionInputs = z.object({
  samples: z
    .array(
      z.object({
        index: z.number().int().min(0),
        text: Text.optional(),
        pngBase64: z.string().max(400_000).optional(),
        series: z.array(z.number()).max(20_000).optional(),
      }),
    )
    .max(MAX_PREDICTION_SAMPLES),
});
export type PredictionInputs = z.infer<typeof PredictionInputs>;

/**
 * The artifact kinds a run logs besides checkpoints, in one place for the worker that writes them and the API that
 * reads them. Snapshots of one evaluation are named {@link mediaArtifactName}(step); the test-set result is named
 * "test" and the prediction inputs "validation".
 */
export const RUN_MEDIA_KINDS = {
  evaluation: "evaluation",
  gradientFlow: "gradient-flow",
  predictions: "predictions",
  predictionInputs: "prediction-inputs",
} as const;
export type RunMediaKind = (typeof RUN_MEDIA_KINDS)[keyof typeof RUN_MEDIA_KINDS];
export const TEST_EVALUATION_NAME = "test";
export const PREDICTION_INPUTS_NAME = "validation";

/** The artifact name of an evaluation's snapshot: `step-0000250`, so names sort by step. */
export function mediaArtifactName(step: number): string {
  return `step-${String(step).padStart(7, "0")}`;
}
