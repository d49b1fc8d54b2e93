/** Special tokens: padding is 0 so that zero-padded batches pad with it. */
export const CAPTION_PAD = 0;
/** Decoder start token, fed as the first decoder input. */
export const CAPTION_START = 1;
/** End of caption: the last real target step. */
export const CAPTION_END = 2;

/** Every word a caption uses, in a fixed order (ids follow the three special tokens). */
export const CAPTION_WORDS = [
  "a",
  "red",
  "green",
  "blue",
  "yellow",
  "circle",
  "square",
  "triangle",
  "left",
  "right",
  "of",
  "above",
  "on",
  "the",
  "at",
  "top",
  "bottom",
  "in",
  "middle",
  ",",
  "and",
  "from",
  "to",
] as const;

/** A caption word. */
export type CaptionWord = (typeof CAPTION_WORDS)[number];

/** The full vocabulary, index = token id: `<pad>`, `<start>`, `<end>`, then the words. */
export const CAPTION_VOCABULARY: readonly string[] = ["<pad>", "<start>", "<end>", ...CAPTION_WORDS];

const ID_OF = new Map<string, number>(CAPTION_VOCABULARY.map((w, i) => [w, i]));

/** Token ids of a caption's words (no start or end token). */
export function encodeCaption(words: readonly CaptionWord[]): number[] {
  return words.map((w) => ID_OF.get(w)!);
}

/** Text of token ids, stopping at `<end>` and skipping `<pad>` and `<start>`; "," attaches to the word before. */
export function decodeCaption(ids: ArrayLike<number>): string {
  const words: string[] = [];
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (id === CAPTION_END) break;
    if (id === CAPTION_PAD || id === CAPTION_START) continue;
    words.push(CAPTION_VOCABULARY[id] ?? "?");
  }
  return words.join(" ").replace(/ ,/g, ",");
}
