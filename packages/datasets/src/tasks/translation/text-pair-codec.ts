import type { TaskPreview, TaskSpec } from "../../types";

/**
 * Target ids of the seq2seq special tokens. Padding is 0 so that zero-filled batch padding (the `Batch` contract)
 * and the pad token coincide.
 */
export const SEQ2SEQ_SPECIAL_TOKENS = { pad: 0, start: 1, end: 2 } as const;

const FIRST_CHAR_ID = 3;

/**
 * Character vocabularies of a text-to-text task: input characters are one-hot columns 0..n-1 (padding is an
 * all-zero row); output characters follow the three special tokens.
 */
export class TextPairCodec {
  private readonly inputIds: Map<string, number>;
  private readonly outputIds: Map<string, number>;

  /** `inputAlphabet` and `outputAlphabet` list every character that can occur, each once. */
  constructor(
    readonly inputAlphabet: string,
    readonly outputAlphabet: string,
  ) {
    this.inputIds = new Map([...inputAlphabet].map((char, id) => [char, id]));
    this.outputIds = new Map([...outputAlphabet].map((char, id) => [char, id + FIRST_CHAR_ID]));
  }

  /** Input text to one-hot column ids. */
  encodeInput(text: string): number[] {
    return Array.from(text, (char) => {
      const id = this.inputIds.get(char);
      if (id === undefined) throw new Error(`character ${JSON.stringify(char)} is not in the input alphabet`);
      return id;
    });
  }

  /** Target text to class ids, followed by the end token. */
  encodeTarget(text: string): number[] {
    const ids = Array.from(text, (char) => {
      const id = this.outputIds.get(char);
      if (id === undefined) throw new Error(`character ${JSON.stringify(char)} is not in the output alphabet`);
      return id;
    });
    ids.push(SEQ2SEQ_SPECIAL_TOKENS.end);
    return ids;
  }

  /** Input column ids back to text. */
  decodeInput(ids: ArrayLike<number>): string {
    return Array.from(ids, (id) => this.inputAlphabet[id] ?? "?").join("");
  }

  /** Target class ids to text: stops at the end token, skips start and padding. */
  decodeTarget(ids: ArrayLike<number>): string {
    let text = "";
    for (const id of Array.from(ids)) {
      if (id === SEQ2SEQ_SPECIAL_TOKENS.end) break;
      if (id === SEQ2SEQ_SPECIAL_TOKENS.start || id === SEQ2SEQ_SPECIAL_TOKENS.pad) continue;
      text += this.outputAlphabet[id - FIRST_CHAR_ID] ?? "?";
    }
    return text;
  }

  /** The many-to-many-unaligned spec for inputs of at most `maxInput` and targets of at most `maxOutput` chars. */
  spec(maxInput: number, maxOutput: number): TaskSpec {
    return {
      problemType: "many-to-many-unaligned",
      inputFeatures: this.inputAlphabet.length,
      inputLength: maxInput,
      outputKind: "classes",
      outputSize: this.outputAlphabet.length + FIRST_CHAR_ID,
      // One extra step for the end token.
      targetLength: maxOutput + 1,
      heads: ["seq2seq"],
      specialTokens: { ...SEQ2SEQ_SPECIAL_TOKENS },
    };
  }
}

/** A preview of a text pair sample. */
export function textPairPreview(
  codec: TextPairCodec,
  input: readonly number[],
  target: readonly number[],
): TaskPreview {
  return { input: codec.decodeInput(input), target: codec.decodeTarget(target) };
}
