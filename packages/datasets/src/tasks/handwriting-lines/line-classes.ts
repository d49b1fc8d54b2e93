/** FSDL's special tokens, in their order: blank (CTC), start, end, padding. */
export const LINE_SPECIAL_TOKENS = ["<B>", "<S>", "<E>", "<P>"] as const;

/** The characters FSDL's EMNIST lines use after the digits and letters: space and `!"#&'()*+,-./:;?`. */
const PUNCTUATION = ` !"#&'()*+,-./:;?`;

function range(first: string, last: string): string[] {
  const out: string[] = [];
  for (let c = first.charCodeAt(0); c <= last.charCodeAt(0); c++) out.push(String.fromCharCode(c));
  return out;
}

/**
 * FSDL's 83 classes for EMNIST lines: `<B>` (0, the CTC blank), `<S>`, `<E>`, `<P>`, 0-9, A-Z, a-z and
 * `` !"#&'()*+,-./:;?`` (space first). Index = class id.
 */
export const LINE_CLASSES: readonly string[] = [
  ...LINE_SPECIAL_TOKENS,
  ...range("0", "9"),
  ...range("A", "Z"),
  ...range("a", "z"),
  ...PUNCTUATION,
];

/** Class id of the CTC blank. */
export const LINE_BLANK = 0;
/** Class id of `<S>`. */
export const LINE_START = 1;
/** Class id of `<E>`. */
export const LINE_END = 2;
/** Class id of `<P>`, FSDL's padding token. */
export const LINE_PAD = 3;

const CLASS_OF = new Map<string, number>(LINE_CLASSES.map((c, i) => [c, i]));

/** Class ids of a text's characters; throws on a character outside the 79 printable classes. */
export function encodeLineText(text: string): number[] {
  const ids: number[] = [];
  for (const ch of text) {
    const id = CLASS_OF.get(ch);
    if (id === undefined || id < LINE_SPECIAL_TOKENS.length)
      throw new Error(`character ${JSON.stringify(ch)} has no class`);
    ids.push(id);
  }
  return ids;
}

/** Text of class ids; special tokens (blank, start, end, padding) are dropped. */
export function decodeLineText(ids: ArrayLike<number>): string {
  let text = "";
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (id >= LINE_SPECIAL_TOKENS.length && id < LINE_CLASSES.length) text += LINE_CLASSES[id];
  }
  return text;
}
