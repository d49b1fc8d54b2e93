import { z } from "zod";
import { intParam, splitSizeParams } from "../../task-helpers/task-params";
import type { TaskInfo, TaskSpec } from "../../types";
import { DATE_INPUT_STATS } from "./date-formats";
import { TextPairCodec } from "./text-pair-codec";

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

/** Characters of date translation: whatever the ten human formats print in, ISO digits and hyphens out. */
export const translationDatesCodec = new TextPairCodec(DATE_INPUT_STATS.alphabet, "0123456789-");

/** The date-translation task's light definition: params, spec and metric, without the sample generator. */
export const translationDatesDefinition: TaskInfo<typeof TranslationDatesParams> = {
  name: "translation-dates",
  title: "Date translation",
  description:
    "Translate human-written dates in ten formats into ISO 8601 (seq2seq, character level). Test dates never occur " +
    "in training in any format. Baseline: most frequent output character per position.",
  problemType: "many-to-many-unaligned",
  params: TranslationDatesParams,
  metric: {
    evaluation: ["exactMatch", "characterAccuracy"],
    name: "exactMatch",
    higherIsBetter: true,
    description: "Fraction of dates translated exactly (end token included); also `characterAccuracy` per step",
  },
  recommended: {
    model: "seq2seq-attention",
    modelHyperparameters: {},
    // Measured (wasm, 2 shared cores): 89% of 256 validation dates exact at step 500, 99.6% at 1000, all at 1500.
    training: { steps: 1500, batchSize: 64, learningRate: 0.003, clipNorm: 1, evalEvery: 100, trainMetricsEvery: 10 },
    why:
      "an encoder-decoder with attention learns to pick out and reorder the date's fields, translating over 99% of " +
      "validation dates exactly within about 1000 steps (under 5 minutes on two CPU cores).",
  },
  specFor(): TaskSpec {
    return translationDatesCodec.spec(DATE_INPUT_STATS.maxLength, "yyyy-mm-dd".length);
  },
};
