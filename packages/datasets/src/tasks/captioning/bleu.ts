/** Corpus BLEU-1 and its parts. */
export interface Bleu1 {
  /** Corpus BLEU-1 (Papineni et al. 2002 with n = 1): brevity penalty x clipped unigram precision. */
  bleu1: number;
  /** Mean over sentences of sentence-level BLEU-1 (same formula per sentence). */
  sentenceBleu1: number;
  /** Fraction of candidates equal to their reference. */
  exactMatch: number;
}

function clippedMatches(candidate: readonly number[], reference: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const t of reference) counts.set(t, (counts.get(t) ?? 0) + 1);
  let matches = 0;
  for (const t of candidate) {
    const left = counts.get(t) ?? 0;
    if (left > 0) {
      matches++;
      counts.set(t, left - 1);
    }
  }
  return matches;
}

function bleuFrom(matches: number, candidateLength: number, referenceLength: number): number {
  if (candidateLength === 0) return 0;
  const brevity = candidateLength > referenceLength ? 1 : Math.exp(1 - referenceLength / candidateLength);
  return brevity * (matches / candidateLength);
}

/** BLEU-1 of token-id candidates against one reference each. */
export function bleu1(candidates: readonly (readonly number[])[], references: readonly (readonly number[])[]): Bleu1 {
  if (candidates.length !== references.length) {
    throw new Error(`bleu1: ${candidates.length} candidates for ${references.length} references`);
  }
  let matches = 0;
  let candidateLength = 0;
  let referenceLength = 0;
  let sentenceSum = 0;
  let exact = 0;
  candidates.forEach((candidate, i) => {
    const reference = references[i]!;
    const m = clippedMatches(candidate, reference);
    matches += m;
    candidateLength += candidate.length;
    referenceLength += reference.length;
    sentenceSum += bleuFrom(m, candidate.length, reference.length);
    if (candidate.length === reference.length && candidate.every((t, j) => t === reference[j])) exact++;
  });
  const n = Math.max(candidates.length, 1);
  return {
    bleu1: bleuFrom(matches, candidateLength, referenceLength),
    sentenceBleu1: sentenceSum / n,
    exactMatch: exact / n,
  };
}
