import { z } from "zod";
import type { TaskSpec } from "../../types";
import { defineTask, drawForSplit, intParam, splitSizeParams, splitSizes, tokensOf } from "../../task-helpers";
import { DATE_FORMATS, DATE_INPUT_STATS, dateFromDayNumber, dayNumberOf, isoDate } from "./date-formats";
import { TextPairCodec, textPairBaseline, textPairMetrics, textPairPreview } from "./text-pair-codec";

/** Parameters of the date-translation task. */
export const TranslationDatesParams = z
  .object({
    // Years below 1000 would print with fewer than 4 digits in the human formats.
    fromYear: intParam("fromYear", { default: 1900, min: 1000, max: 9999, description: "First year of the range" }),
    toYear: intParam("toYear", { default: 2099, min: 1000, max: 9999, description: "Last year of the range" }),
    ...splitSizeParams({ train: 100_000, validation: 1000, test: 1000 }),
  })
  .refine((p) => p.fromYear <= p.toYear, { message: "toYear must not be before fromYear", path: ["toYear"] });
/** Parameters of the date-translation task. */
export type TranslationDatesParams = z.infer<typeof TranslationDatesParams>;

const codec = new TextPairCodec(DATE_INPUT_STATS.alphabet, "0123456789-");

function datesSpec(): TaskSpec {
  return codec.spec(DATE_INPUT_STATS.maxLength, "yyyy-mm-dd".length);
}

/**
 * Date normalization as translation: a date written in one of ten human formats ("Wednesday, 25 November 2026",
 * "Nov 25, 2026", "25/11/2026", ...) to ISO "2026-11-25". Weekdays are always the true weekday. Each calendar date
 * belongs to one split by a hash of its ISO form, so no test date appears in train in any format.
 */
export const translationDatesTask = defineTask({
  name: "translation-dates",
  title: "Date translation",
  description:
    "Translate human-written dates in ten formats into ISO 8601 (seq2seq, character level). Test dates never occur " +
    "in training in any format. Baseline: most frequent output character per position.",
  problemType: "many-to-many-unaligned",
  params: TranslationDatesParams,
  metric: {
    name: "exactMatch",
    higherIsBetter: true,
    description: "Fraction of dates translated exactly (end token included); also `characterAccuracy` per step",
  },
  specFor: datesSpec,
  setup(params) {
    const spec = datesSpec();
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
    };
  },
});
