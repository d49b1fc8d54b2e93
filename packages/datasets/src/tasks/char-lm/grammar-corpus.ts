import { createRng, type Rng } from "../../random";

/**
 * A small probabilistic English grammar: enough structure (agreement-free past tense, clauses, punctuation, names)
 * that a character model has words, spelling and syntax to learn, written here so no corpus is downloaded.
 */
const WORDS = {
  names: ["Alice", "Bruno", "Clara", "Daniel", "Elena", "Felix", "Greta", "Hugo", "Irene", "Jonas", "Karim", "Lena"],
  determiners: ["the", "a", "that", "every", "one", "this"],
  adjectives: [
    "old",
    "young",
    "small",
    "large",
    "quiet",
    "noisy",
    "bright",
    "dark",
    "clever",
    "lazy",
    "brave",
    "tired",
    "happy",
    "strange",
    "gentle",
    "heavy",
    "green",
    "red",
    "wooden",
    "ancient",
    "careful",
    "hungry",
    "silver",
  ],
  nouns: [
    "dog",
    "cat",
    "farmer",
    "teacher",
    "river",
    "garden",
    "house",
    "window",
    "bird",
    "child",
    "doctor",
    "letter",
    "market",
    "train",
    "horse",
    "forest",
    "baker",
    "sailor",
    "stone",
    "bridge",
    "lamp",
    "book",
    "apple",
    "village",
    "mountain",
    "kitchen",
    "soldier",
    "painter",
    "road",
    "boat",
    "clock",
    "friend",
    "king",
    "queen",
    "fox",
    "island",
  ],
  transitiveVerbs: [
    "saw",
    "found",
    "followed",
    "painted",
    "carried",
    "watched",
    "opened",
    "helped",
    "visited",
    "built",
    "lost",
    "remembered",
    "crossed",
    "chased",
    "sold",
    "bought",
    "wrote",
    "noticed",
    "greeted",
    "fixed",
  ],
  intransitiveVerbs: [
    "slept",
    "laughed",
    "waited",
    "arrived",
    "vanished",
    "danced",
    "shouted",
    "smiled",
    "rested",
    "wandered",
    "returned",
    "sang",
    "worked",
    "listened",
    "fell",
  ],
  adverbs: ["slowly", "quickly", "quietly", "again", "happily", "early", "late", "suddenly", "carefully", "today"],
  prepositions: ["near", "behind", "under", "beside", "across", "inside", "above", "around", "past", "toward"],
  conjunctions: [", and ", ", but ", " because ", " while ", ", so "],
} as const;

function nounPhrase(rng: Rng): string {
  if (rng.bool(0.3)) return rng.pick(WORDS.names);
  const adjective = rng.bool(0.5) ? `${rng.pick(WORDS.adjectives)} ` : "";
  const noun = `${adjective}${rng.pick(WORDS.nouns)}`;
  const determiner = rng.pick(WORDS.determiners);
  return `${determiner === "a" && /^[aeiou]/.test(noun) ? "an" : determiner} ${noun}`;
}

function verbPhrase(rng: Rng, depth: number): string {
  const roll = rng.float();
  if (roll < 0.4) return `${rng.pick(WORDS.transitiveVerbs)} ${nounPhrase(rng)}`;
  if (roll < 0.65) return `${rng.pick(WORDS.intransitiveVerbs)} ${rng.pick(WORDS.prepositions)} ${nounPhrase(rng)}`;
  if (roll < 0.85 || depth > 0) {
    const adverb = rng.bool(0.6) ? ` ${rng.pick(WORDS.adverbs)}` : "";
    return `${rng.pick(WORDS.intransitiveVerbs)}${adverb}`;
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
  if (rng.bool(0.35)) text += `${rng.pick(WORDS.conjunctions)}${clause(rng, 1)}`;
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

/** Every character the grammar can produce, sorted: the char-lm vocabulary, known without generating text. */
export const CORPUS_ALPHABET: string = (() => {
  const chars = new Set<string>([" ", ".", ","]);
  for (const list of Object.values(WORDS)) {
    for (const word of list) {
      for (const char of word) chars.add(char);
    }
  }
  // Sentences start with a name or a determiner ("an" included), capitalized.
  for (const word of WORDS.determiners) chars.add(word.charAt(0).toUpperCase());
  return [...chars].sort().join("");
})();
