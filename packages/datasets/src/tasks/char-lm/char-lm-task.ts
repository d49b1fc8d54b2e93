import type { SplitName } from "../../types";
import {
  classScores,
  constantOutput,
  defineTask,
  NATS_TO_BITS,
  SPLIT_NAMES,
  splitOfContent,
  splitSizes,
  tokensOf,
  type Sample,
} from "../../task-helpers";
import { charLmDefinition } from "./char-lm-definition";
import { CORPUS_ALPHABET, corpusSentence } from "./grammar-corpus";

export { CharLmParams } from "./char-lm-definition";

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

function decode(ids: ArrayLike<number>): string {
  return Array.from(ids, (id) => CORPUS_ALPHABET[id] ?? "?").join("");
}

/** Text to character ids (the playground's prompt); a character outside the corpus alphabet is an error. */
function encode(text: string): number[] {
  return Array.from(text, (char) => {
    const id = CORPUS_ALPHABET.indexOf(char);
    if (id < 0)
      throw new Error(`character ${JSON.stringify(char)} is not in the alphabet (${JSON.stringify(CORPUS_ALPHABET)})`);
    return id;
  });
}

/**
 * Character-level language modelling on text generated from a small English grammar: read T characters, predict
 * each next character. Scored in bits per character; the baseline is the unigram model of the training text.
 */
export const charLmTask = defineTask({
  ...charLmDefinition,
  setup(params) {
    const spec = charLmDefinition.specFor(params);
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
      encodeInput: encode,
    };
  },
});
