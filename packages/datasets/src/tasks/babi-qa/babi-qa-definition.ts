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
    modelHyperparameters: { units: 64 },
    training: { steps: 2000, batchSize: 64, learningRate: 0.002, clipNorm: 1, evalEvery: 100, trainMetricsEvery: 10 },
    why: "an LSTM reading the story word by word learns to track where each person went, well above the most-frequent-answer baseline.",
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
