import { z } from "zod";
import type { TaskSpec } from "../../types";
import {
  classScores,
  constantOutput,
  defineTask,
  drawForSplit,
  intParam,
  positionFrequencies,
  splitSizeParams,
  splitSizes,
  tokensOf,
} from "../../task-helpers";
import {
  generateStory,
  LOCATIONS,
  MAX_QUESTION_TOKENS,
  MAX_SENTENCE_TOKENS,
  STORY_VOCABULARY,
  storyText,
} from "./babi-story";

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

const WORD_IDS = new Map(STORY_VOCABULARY.map((word, id) => [word, id]));

function babiSpec(params: BabiQaParams): TaskSpec {
  return {
    problemType: "many-to-one",
    inputFeatures: STORY_VOCABULARY.length,
    inputLength: params.storyLength * MAX_SENTENCE_TOKENS + MAX_QUESTION_TOKENS,
    outputKind: "classes",
    outputSize: LOCATIONS.length,
    targetLength: 1,
    heads: ["classification"],
  };
}

function decodeWords(ids: readonly number[]): string {
  return storyText({ sentences: [], question: ids.map((id) => STORY_VOCABULARY[id] ?? "?") }).trim();
}

/**
 * bAbI-style question answering (after Weston et al. 2015, tasks 1 and 2): a short story of people moving and
 * carrying objects, then "Where is X?"; the answer is one of six locations. Stories are generated, and each
 * distinct story with its question belongs to one split by a hash of its text.
 */
export const babiQaTask = defineTask({
  name: "babi-qa",
  title: "Story question answering (bAbI-style)",
  description:
    'Read a short story word by word and answer "Where is ...?" with a location. Baseline: the most frequent ' +
    "training answer.",
  problemType: "many-to-one",
  params: BabiQaParams,
  metric: { name: "accuracy", higherIsBetter: true, description: "Fraction of questions answered correctly" },
  specFor: babiSpec,
  setup(params) {
    const spec = babiSpec(params);
    return {
      spec,
      sizes: splitSizes(params),
      sample(rng, _index, split) {
        const draw = (r: typeof rng) => generateStory(r, params.storyLength, params.questions);
        const story = drawForSplit(rng, split, draw, storyText);
        const words = [...story.sentences.flat(), ...story.question];
        return {
          input: { tokens: words.map((word) => WORD_IDS.get(word) as number) },
          target: { tokens: [story.answer] },
        };
      },
      metrics(batch, output) {
        const { accuracy, crossEntropy } = classScores(spec, batch, output);
        return { accuracy, crossEntropy };
      },
      baseline(split, source) {
        const frequencies = positionFrequencies(spec, source.batchOf("train"));
        const batch = source.batchOf(split);
        const { accuracy, crossEntropy } = classScores(spec, batch, constantOutput(spec, batch.size, frequencies));
        return { accuracy, crossEntropy };
      },
      preview(sample) {
        const answer = LOCATIONS[tokensOf(sample.target)[0] as number] ?? "?";
        return { input: decodeWords(tokensOf(sample.input)), target: answer };
      },
      decodeTarget: (ids) => Array.from(ids, (id) => LOCATIONS[id] ?? "?").join(" "),
    };
  },
});
