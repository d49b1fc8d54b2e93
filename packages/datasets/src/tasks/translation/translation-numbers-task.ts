import { defineTask, drawForSplit, splitSizes, tokensOf } from "../../task-helpers";
import { numberToWords } from "./number-words";
import { textPairPreview } from "./text-pair-codec";
import { textPairBaseline, textPairMetrics } from "./text-pair-metrics";
import { translationNumbersCodec as codec, translationNumbersDefinition } from "./translation-numbers-definition";

/**
 * Number words to digits: "four hundred and twelve" -> "412" (British English, up to 999 999). Each number belongs
 * to one split by a hash of its digits, so test numbers are never seen in training.
 */
export const translationNumbersTask = defineTask({
  ...translationNumbersDefinition,
  setup(params) {
    const spec = translationNumbersDefinition.specFor(params);
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
      encodeInput: (text) => codec.encodeInput(text),
    };
  },
});
