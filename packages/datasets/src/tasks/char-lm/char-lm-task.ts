import { z } from "zod";
import type { SplitName, TaskSpec } from "../../types";
import {
  classScores,
  constantOutput,
  defineTask,
  intParam,
  NATS_TO_BITS,
  SPLIT_NAMES,
  splitOfContent,
  splitSizeParams,
  splitSizes,
  tokensOf,
  type Sample,
} from "../../task-helpers";
import { CORPUS_ALPHABET, corpusSentence } from "./grammar-corpus";

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

const CHAR_IDS = new Map([...CORPUS_ALPHABET].map((char, id) => [char, id]));

/**
 * The text of each split: the corpus sentences that hash to it, joined by spaces. Sentences are assigned by content,
 * so a sentence that occurs twice is never in both train and test. Cached because every task instance with the
 * same corpus size shares it.
 */
const corpusCache = new Map<number, Record<SplitName, string>>();
function splitTexts(sentences: number): Record<SplitName, string> {
  let texts = corpusCache.get(sentences);
  if (!texts) {
    const parts: Record<SplitName, string[]> = { train: [], validation: [], test: [] };
    for (let i = 0; i < sentences; i++) {
      const sentence = corpusSentence(i);
      parts[splitOfContent(sentence)].push(sentence);
    }
    texts = { train: parts.train.join(" "), validation: parts.validation.join(" "), test: parts.test.join(" ") };
    corpusCache.set(sentences, texts);
  }
  return texts;
}

function charLmSpec(params: CharLmParams): TaskSpec {
  return {
    problemType: "many-to-many-aligned",
    inputFeatures: CORPUS_ALPHABET.length,
    inputLength: params.length,
    outputKind: "classes",
    outputSize: CORPUS_ALPHABET.length,
    targetLength: params.length,
    heads: ["tagging"],
  };
}

function decode(ids: ArrayLike<number>): string {
  return Array.from(ids, (id) => CORPUS_ALPHABET[id] ?? "?").join("");
}

/**
 * Character-level language modelling on text generated from a small English grammar: read T characters, predict
 * each next character. Scored in bits per character; the baseline is the unigram model of the training text.
 */
export const charLmTask = defineTask({
  name: "char-lm",
  title: "Character language model",
  description:
    "Predict the next character of English-like text generated from a small grammar. Metric: bits per character; " +
    "baseline: the training text's unigram distribution.",
  problemType: "many-to-many-aligned",
  params: CharLmParams,
  metric: {
    name: "bpc",
    higherIsBetter: false,
    description: "Bits per character (mean cross-entropy in bits); `accuracy`: next character argmax right",
  },
  specFor: charLmSpec,
  setup(params) {
    const spec = charLmSpec(params);
    const T = params.length;
    const texts = splitTexts(params.corpusSentences);
    for (const split of SPLIT_NAMES) {
      if (texts[split].length < T + 1) {
        throw new Error(
          `char-lm: the ${split} text has ${texts[split].length} characters, fewer than length + 1 = ${T + 1}; ` +
            "raise corpusSentences or lower length",
        );
      }
    }
    const score = (batch: Parameters<typeof classScores>[1], output: Parameters<typeof classScores>[2]) => {
      const { accuracy, crossEntropy } = classScores(spec, batch, output);
      return { bpc: crossEntropy * NATS_TO_BITS, accuracy, crossEntropy };
    };
    return {
      spec,
      sizes: splitSizes(params),
      sample(rng, _index, split): Sample {
        const text = texts[split];
        const offset = rng.int(0, text.length - T);
        const ids = Array.from(text.slice(offset, offset + T + 1), (char) => CHAR_IDS.get(char) as number);
        return { input: { tokens: ids.slice(0, T) }, target: { tokens: ids.slice(1) } };
      },
      metrics: score,
      baseline(split, source) {
        const counts = new Float64Array(spec.outputSize).fill(1);
        for (const char of texts.train) counts[CHAR_IDS.get(char) as number]! += 1;
        const total = counts.reduce((a, b) => a + b, 0);
        const unigram = Float32Array.from(counts, (c) => c / total);
        const batch = source.batchOf(split);
        return score(batch, constantOutput(spec, batch.size, unigram));
      },
      preview(sample) {
        return { input: decode(tokensOf(sample.input)), target: decode(tokensOf(sample.target)) };
      },
      decodeTarget: decode,
    };
  },
});
