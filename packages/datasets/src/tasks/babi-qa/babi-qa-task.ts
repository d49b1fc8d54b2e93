import {
  classScores,
  constantOutput,
  defineTask,
  drawForSplit,
  positionFrequencies,
  splitSizes,
  tokensOf,
} from "../../task-helpers";
import { babiQaDefinition } from "./babi-qa-definition";
import { generateStory, storyText } from "./babi-story";
import { LOCATIONS, STORY_VOCABULARY } from "./story-world";

const WORD_IDS = new Map(STORY_VOCABULARY.map((word, id) => [word, id]));

function decodeWords(ids: readonly number[]): string {
  return storyText({ sentences: [], question: ids.map((id) => STORY_VOCABULARY[id] ?? "?") }).trim();
}

/**
 * bAbI-style question answering (after Weston et al. 2015, tasks 1 and 2): a short story of people moving and
 * carrying objects, then "Where is X?"; the answer is one of six locations. Stories are generated, and each
 * distinct story with its question belongs to one split by a hash of its text.
 */
export const babiQaTask = defineTask({
  ...babiQaDefinition,
  setup(params) {
    const spec = babiQaDefinition.specFor(params);
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
