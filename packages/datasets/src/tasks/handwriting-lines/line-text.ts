import type { Rng } from "../../random";
import { COMMON_WORDS, PROPER_NOUNS } from "./word-list";

/**
 * Zipf exponent for drawing words by rank: about 1 in English prose; a little below 1 here because the list has
 * only ~2,400 words, and a steeper curve would make every line "the of and to".
 */
const ZIPF_EXPONENT = 0.9;

/** Cumulative Zipf weights over `COMMON_WORDS`, for drawing a word with one binary search. */
const CUMULATIVE: Float64Array = (() => {
  const out = new Float64Array(COMMON_WORDS.length);
  let total = 0;
  for (let i = 0; i < COMMON_WORDS.length; i++) {
    total += 1 / Math.pow(i + 2, ZIPF_EXPONENT);
    out[i] = total;
  }
  return out;
})();

function drawCommonWord(rng: Rng): string {
  const target = rng.float() * CUMULATIVE[CUMULATIVE.length - 1]!;
  let lo = 0;
  let hi = CUMULATIVE.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (CUMULATIVE[mid]! > target) hi = mid;
    else lo = mid + 1;
  }
  return COMMON_WORDS[lo]!;
}

/**
 * Rates (per word) of the features that put FSDL's other classes into lines: digits, capitals, punctuation. The
 * Brown corpus has them at roughly these rates; every one of the 79 printable classes then appears in a few
 * thousand lines.
 */
const RATES = {
  properNoun: 0.06,
  number: 0.03,
  comma: 0.05,
  sentenceEnd: 0.08,
  quote: 0.015,
  parenthesis: 0.01,
  hyphenated: 0.02,
  symbol: 0.01,
};

function drawNumber(rng: Rng): string {
  const kind = rng.float();
  if (kind < 0.4) return String(rng.int(1, 100));
  if (kind < 0.7) return String(rng.int(1800, 2030));
  if (kind < 0.85) return String(rng.int(100, 10000));
  return `${rng.int(1, 13)}:${String(rng.int(0, 60)).padStart(2, "0")}`;
}

/** A stand-alone symbol "word" that uses one of the rarer classes (# & * + /). */
function drawSymbolWord(rng: Rng): string {
  switch (rng.int(0, 5)) {
    case 0:
      return `#${rng.int(1, 100)}`;
    case 1:
      return "&";
    case 2:
      return `${rng.int(1, 10)}+${rng.int(1, 10)}`;
    case 3:
      return `${drawCommonWord(rng)}/${drawCommonWord(rng)}`;
    default:
      return `*${drawCommonWord(rng)}*`;
  }
}

/**
 * A short run of prose-like words: sentences start with a capital and end with . ? or !, with the occasional
 * comma, semicolon, colon, name, number, quotation, parenthesis, hyphenated pair or symbol.
 */
export function drawPassage(rng: Rng, wordCount: number): string[] {
  const words: string[] = [];
  let sentenceStart = rng.bool(0.5);
  for (let i = 0; i < wordCount; i++) {
    let word: string;
    const u = rng.float();
    if (u < RATES.number) word = drawNumber(rng);
    else if (u < RATES.number + RATES.symbol) word = drawSymbolWord(rng);
    else if (u < RATES.number + RATES.symbol + RATES.properNoun) word = rng.pick(PROPER_NOUNS);
    else if (u < RATES.number + RATES.symbol + RATES.properNoun + RATES.hyphenated) {
      word = `${drawCommonWord(rng)}-${drawCommonWord(rng)}`;
    } else word = drawCommonWord(rng);
    if (sentenceStart) word = word.charAt(0).toUpperCase() + word.slice(1);
    sentenceStart = false;
    if (rng.bool(RATES.quote)) word = `"${word}"`;
    else if (rng.bool(RATES.parenthesis)) word = `(${word})`;
    const v = rng.float();
    if (v < RATES.sentenceEnd) {
      const w = rng.float();
      word += w < 0.8 ? "." : w < 0.9 ? "?" : "!";
      sentenceStart = true;
    } else if (v < RATES.sentenceEnd + RATES.comma) {
      const w = rng.float();
      word += w < 0.85 ? "," : w < 0.93 ? ";" : ":";
    }
    words.push(word);
  }
  return words;
}

/**
 * FSDL's text sampling: a random span of whole words of at most `maxLength` characters, whose end is drawn among
 * the word boundaries that fit, so short and long lines both occur (FSDL draws from the Brown corpus the same way).
 */
export function drawLineText(rng: Rng, maxLength: number): string {
  // Twice the words a full line could hold (words average ~5 characters with their space), so the span can
  // start anywhere in the passage and still reach maxLength.
  const passage = drawPassage(rng, Math.max(4, Math.ceil(maxLength / 2)));
  const start = rng.int(0, Math.max(1, Math.floor(passage.length / 2)));
  const ends: number[] = [];
  let length = -1;
  for (let i = start; i < passage.length; i++) {
    length += 1 + passage[i]!.length;
    if (length > maxLength) break;
    ends.push(i + 1);
  }
  if (ends.length === 0) {
    // A single word longer than the line (rare: long hyphenated pairs): cut it, as a line break would.
    return passage[start]!.slice(0, maxLength);
  }
  return passage.slice(start, rng.pick(ends)).join(" ");
}
