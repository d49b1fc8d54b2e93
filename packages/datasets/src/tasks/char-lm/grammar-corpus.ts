import { createRng, type Rng } from "../../random";
import { GRAMMAR_WORDS } from "./grammar-words";

export { CORPUS_ALPHABET } from "./grammar-words";

function nounPhrase(rng: Rng): string {
  if (rng.bool(0.3)) return rng.pick(GRAMMAR_WORDS.names);
  const adjective = rng.bool(0.5) ? `${rng.pick(GRAMMAR_WORDS.adjectives)} ` : "";
  const noun = `${adjective}${rng.pick(GRAMMAR_WORDS.nouns)}`;
  const determiner = rng.pick(GRAMMAR_WORDS.determiners);
  return `${determiner === "a" && /^[aeiou]/.test(noun) ? "an" : determiner} ${noun}`;
}

function verbPhrase(rng: Rng, depth: number): string {
  const roll = rng.float();
  if (roll < 0.4) return `${rng.pick(GRAMMAR_WORDS.transitiveVerbs)} ${nounPhrase(rng)}`;
  if (roll < 0.65)
    return `${rng.pick(GRAMMAR_WORDS.intransitiveVerbs)} ${rng.pick(GRAMMAR_WORDS.prepositions)} ${nounPhrase(rng)}`;
  if (roll < 0.85 || depth > 0) {
    const adverb = rng.bool(0.6) ? ` ${rng.pick(GRAMMAR_WORDS.adverbs)}` : "";
    return `${rng.pick(GRAMMAR_WORDS.intransitiveVerbs)}${adverb}`;
  }
  return `said that ${clause(rng, depth + 1)}`;
}

function clause(rng: Rng, depth: number): string {
  return `${nounPhrase(rng)} ${verbPhrase(rng, depth)}`;
}

/** Sentence `index` of the corpus: a pure function of the index, so corpora of any size share their prefix. */
export function corpusSentence(index: number): string {
  // The corpus is fixed (key "char-lm-corpus"), independent of the task seed, so runs with different seeds are
  // measured on the same text and differ only in the windows they draw.
  const rng = createRng(0, "char-lm-corpus", index);
  let text = clause(rng, 0);
  if (rng.bool(0.35)) text += `${rng.pick(GRAMMAR_WORDS.conjunctions)}${clause(rng, 1)}`;
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}
