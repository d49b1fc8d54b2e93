import { defineTask, drawForSplit, splitSizes, tokensOf } from "../../task-helpers";
import { DATE_FORMATS, dateFromDayNumber, dayNumberOf, isoDate } from "./date-formats";
import { textPairPreview } from "./text-pair-codec";
import { textPairBaseline, textPairMetrics } from "./text-pair-metrics";
import { translationDatesCodec as codec, translationDatesDefinition } from "./translation-dates-definition";

/**
 * Date normalization as translation: a date written in one of ten human formats ("Wednesday, 25 November 2026",
 * "Nov 25, 2026", "25/11/2026", ...) to ISO "2026-11-25". Weekdays are always the true weekday. Each calendar date
 * belongs to one split by a hash of its ISO form, so no test date appears in train in any format.
 */
export const translationDatesTask = defineTask({
  ...translationDatesDefinition,
  setup(params) {
    const spec = translationDatesDefinition.specFor(params);
    const first = dayNumberOf(params.fromYear, 1, 1);
    const end = dayNumberOf(params.toYear + 1, 1, 1);
    return {
      spec,
      sizes: splitSizes(params),
      sample(rng, _index, split) {
        const date = drawForSplit(rng, split, (r) => dateFromDayNumber(r.int(first, end)), isoDate);
        const text = rng.pick(DATE_FORMATS)(date);
        return { input: { tokens: codec.encodeInput(text) }, target: { tokens: codec.encodeTarget(isoDate(date)) } };
      },
      metrics: (batch, output) => textPairMetrics(spec, batch, output),
      baseline: (split, source) => textPairBaseline(spec, split, source),
      preview: (sample) => textPairPreview(codec, tokensOf(sample.input), tokensOf(sample.target)),
      decodeTarget: (ids) => codec.decodeTarget(ids),
      encodeInput: (text) => codec.encodeInput(text),
    };
  },
});
