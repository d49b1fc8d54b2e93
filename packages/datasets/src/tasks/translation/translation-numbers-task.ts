import { z } from "zod";
import type { TaskSpec } from "../../types";
import { defineTask, drawForSplit, intParam, splitSizeParams, splitSizes, tokensOf } from "../../task-helpers";
import { MAX_NUMBER, maxNumberWordsLength, NUMBER_WORDS_ALPHABET, numberToWords } from "./number-words";
import { TextPairCodec, textPairBaseline, textPairMetrics, textPairPreview } from "./text-pair-codec";

/** Parameters of the number-translation task. */
export const TranslationNumbersParams = z.object({
  // At least 100 numbers, so the 10% validation and test shares each hold about ten.
  maxValue: intParam("maxValue", {
    default: MAX_NUMBER,
    min: 100,
    max: MAX_NUMBER,
    description: "Largest number drawn (uniformly from 0..maxValue)",
  }),
  ...splitSizeParams({ train: 100_000, validation: 1000, test: 1000 }),
});
/** Parameters of the number-translation task. */
export type TranslationNumbersParams = z.infer<typeof TranslationNumbersParams>;

const codec = new TextPairCodec(NUMBER_WORDS_ALPHABET, "0123456789");

const maxLengthCache = new Map<number, number>();
function numbersSpec(params: TranslationNumbersParams): TaskSpec {
  let maxLength = maxLengthCache.get(params.maxValue);
  if (maxLength === undefined) {
    maxLength = maxNumberWordsLength(params.maxValue);
    maxLengthCache.set(params.maxValue, maxLength);
  }
  return codec.spec(maxLength, String(params.maxValue).length);
}

/**
 * Number words to digits: "four hundred and twelve" -> "412" (British English, up to 999 999). Each number belongs
 * to one split by a hash of its digits, so test numbers are never seen in training.
 */
export const translationNumbersTask = defineTask({
  name: "translation-numbers",
  title: "Number translation",
  description:
    'Translate English number words into digits (seq2seq, character level), e.g. "four hundred and twelve" -> ' +
    '"412". Baseline: most frequent output character per position.',
  problemType: "many-to-many-unaligned",
  params: TranslationNumbersParams,
  metric: {
    name: "exactMatch",
    higherIsBetter: true,
    description: "Fraction of numbers translated exactly (end token included); also `characterAccuracy` per step",
  },
  specFor: numbersSpec,
  setup(params) {
    const spec = numbersSpec(params);
    return {
      spec,
      sizes: splitSizes(params),
      sample(rng, _index, split) {
        const n = drawForSplit(rng, split, (r) => r.int(0, params.maxValue + 1), String);
        return {
          input: { tokens: codec.encodeInput(numberToWords(n)) },
          target: { tokens: codec.encodeTarget(String(n)) },
        };
      },
      metrics: (batch, output) => textPairMetrics(spec, batch, output),
      baseline: (split, source) => textPairBaseline(spec, split, source),
      preview: (sample) => textPairPreview(codec, tokensOf(sample.input), tokensOf(sample.target)),
      decodeTarget: (ids) => codec.decodeTarget(ids),
    };
  },
});
