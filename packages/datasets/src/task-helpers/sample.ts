/** One side of a sample: token ids (one-hot encoded as inputs, class ids as targets) or dense real values. */
export type SequenceData = TokenSequence | ValueSequence;

/** Token ids, one per step. */
export interface TokenSequence {
  tokens: readonly number[];
}

/** Real values, row-major [steps, features]. */
export interface ValueSequence {
  values: ArrayLike<number>;
  steps: number;
}

/** One generated example before batching; tasks produce these, `assembleBatch` pads and stacks them. */
export interface Sample {
  input: SequenceData;
  target: SequenceData;
}

/** Whether a sequence holds token ids. */
export function isTokenSequence(sequence: SequenceData): sequence is TokenSequence {
  return "tokens" in sequence;
}

/** Number of real steps in a sequence. */
export function sequenceSteps(sequence: SequenceData): number {
  return isTokenSequence(sequence) ? sequence.tokens.length : sequence.steps;
}

/** The values of a value sequence; throws on token sequences (a task reading its own samples wrongly). */
export function valuesOf(sequence: SequenceData): ArrayLike<number> {
  if (isTokenSequence(sequence)) throw new Error("expected a value sequence, got tokens");
  return sequence.values;
}

/** The ids of a token sequence; throws on value sequences. */
export function tokensOf(sequence: SequenceData): readonly number[] {
  if (!isTokenSequence(sequence)) throw new Error("expected a token sequence, got values");
  return sequence.tokens;
}
