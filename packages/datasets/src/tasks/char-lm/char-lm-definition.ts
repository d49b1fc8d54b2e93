import { z } from "zod";
import { intParam, splitSizeParams } from "../../task-helpers/task-params";
import type { TaskInfo, TaskSpec } from "../../types";
import { CORPUS_ALPHABET } from "./grammar-words";

/** Parameters of the character language-modelling task. */
export const CharLmParams = z.object({
  length: intParam("length", { default: 100, min: 2, max: 2000, description: "Characters per training window T" }),
  corpusSentences: intParam("corpusSentences", {
    default: 20_000,
    min: 200,
    max: 200_000,
    description: "Sentences generated from the grammar (about 45 characters each)",
  }),
  ...splitSizeParams({ train: 100_000, validation: 1000, test: 1000 }),
});
/** Parameters of the character language-modelling task. */
export type CharLmParams = z.infer<typeof CharLmParams>;

/** The character language model's light definition: params, spec and metric, without the corpus generator. */
export const charLmDefinition: TaskInfo<typeof CharLmParams> = {
  name: "char-lm",
  title: "Character language model",
  description:
    "Predict the next character of English-like text generated from a small grammar. Metric: bits per character; " +
    "baseline: the training text's unigram distribution.",
  problemType: "many-to-many-aligned",
  params: CharLmParams,
  metric: {
    evaluation: ["bpc"],
    name: "bpc",
    higherIsBetter: false,
    description: "Bits per character (mean cross-entropy in bits); `accuracy`: next character argmax right",
  },
  recommended: {
    model: "lstm",
    // Measured (wasm, 2 shared cores, 256 validation windows): 1.46 bits per character at step 500, 0.92 at 1500.
    modelHyperparameters: { units: 128 },
    training: { steps: 1500, batchSize: 32, learningRate: 0.002, clipNorm: 1, evalEvery: 100, trainMetricsEvery: 10 },
    why:
      "a 128-unit LSTM picks up the grammar's words and spacing, reaching about 0.9 bits per character within 1500 " +
      "steps (minutes on two CPU cores) against 4.3 for the unigram baseline.",
  },
  specFor(params): TaskSpec {
    return {
      problemType: "many-to-many-aligned",
      inputFeatures: CORPUS_ALPHABET.length,
      inputLength: params.length,
      outputKind: "classes",
      outputSize: CORPUS_ALPHABET.length,
      targetLength: params.length,
      heads: ["tagging"],
    };
  },
};
