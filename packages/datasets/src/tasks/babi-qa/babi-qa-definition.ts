import { z } from "zod";
import { intParam, splitSizeParams } from "../../task-helpers/task-params";
import type { TaskInfo, TaskSpec } from "../../types";
import { LOCATIONS, MAX_QUESTION_TOKENS, MAX_SENTENCE_TOKENS, STORY_VOCABULARY } from "./story-world";

/** Parameters of the bAbI-style question-answering task. */
export const BabiQaParams = z.object({
  storyLength: intParam("storyLength", {
    default: 6,
    min: 1,
    max: 50,
    description: "Sentences per story",
  }),
  questions: z
    .enum(["people", "objects", "mixed"], { error: 'questions must be "people", "objects" or "mixed"' })
    .default("mixed")
    .describe('"people": where is Mary? (one fact); "objects": where is the apple? (two facts); "mixed": either'),
  ...splitSizeParams({ train: 100_000, validation: 1000, test: 1000 }),
});
/** Parameters of the bAbI-style question-answering task. */
export type BabiQaParams = z.infer<typeof BabiQaParams>;

/** The story question-answering task's light definition: params, spec and metric, without the story generator. */
export const babiQaDefinition: TaskInfo<typeof BabiQaParams> = {
  name: "babi-qa",
  title: "Story question answering (bAbI-style)",
  description:
    'Read a short story word by word and answer "Where is ...?" with a location. Baseline: the most frequent ' +
    "training answer.",
  problemType: "many-to-one",
  params: BabiQaParams,
  metric: {
    evaluation: ["accuracy"],
    name: "accuracy",
    higherIsBetter: true,
    description: "Fraction of questions answered correctly",
  },
  recommended: {
    model: "lstm",
    // Measured (wasm, 2 shared cores, 256 validation questions): accuracy 0.39 at step 500 and 0.42 at 1000, then
    // no better (0.35-0.39 at 2000 for this, a 128-unit LSTM at 1e-3 and a BiLSTM alike), so 1000 steps.
    modelHyperparameters: { units: 64 },
    training: { steps: 1000, batchSize: 64, learningRate: 0.002, clipNorm: 1, evalEvery: 100, trainMetricsEvery: 10 },
    why:
      "an LSTM reading the story word by word learns to track where people go, answering about 40% of the mixed " +
      "questions within a minute on two CPU cores, against 16% for the most frequent answer.",
  },
  specFor(params): TaskSpec {
    return {
      problemType: "many-to-one",
      inputFeatures: STORY_VOCABULARY.length,
      inputLength: params.storyLength * MAX_SENTENCE_TOKENS + MAX_QUESTION_TOKENS,
      outputKind: "classes",
      outputSize: LOCATIONS.length,
      targetLength: 1,
      heads: ["classification"],
    };
  },
};
