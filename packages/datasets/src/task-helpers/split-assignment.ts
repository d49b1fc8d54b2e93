import { hashKey, type Rng } from "../random";
import type { SplitName } from "../types";

/** Share of a finite sample space given to each split, in thousandths; the rest goes to train. */
export interface SplitShares {
  validation: number;
  test: number;
}

/** 10% validation, 10% test: enough distinct held-out items in the smallest spaces (numbers below 1000). */
export const DEFAULT_SPLIT_SHARES: SplitShares = { validation: 100, test: 100 };

/**
 * The split that owns a sample, decided by a hash of its content alone (not of the seed): the same date or story
 * always lands in the same split, so validation and test items can never appear in train, for any seed.
 */
export function splitOfContent(content: string, shares: SplitShares = DEFAULT_SPLIT_SHARES): SplitName {
  const bucket = hashKey("split-assignment", content) % 1000;
  if (bucket < shares.validation) return "validation";
  if (bucket < shares.validation + shares.test) return "test";
  return "train";
}

/**
 * Draws from a finite space until the draw belongs to `split` (rejection sampling): disjoint splits by
 * construction. Expected tries are 1 / share, so about 10 for a 10% split; `maxTries` guards against a space
 * in which the split owns nothing.
 */
export function drawForSplit<T>(
  rng: Rng,
  split: SplitName,
  draw: (rng: Rng) => T,
  contentKey: (item: T) => string,
  shares: SplitShares = DEFAULT_SPLIT_SHARES,
  maxTries = 10_000,
): T {
  for (let i = 0; i < maxTries; i++) {
    const item = draw(rng);
    if (splitOfContent(contentKey(item), shares) === split) return item;
  }
  throw new Error(`no sample for split "${split}" after ${maxTries} draws: the sample space is too small`);
}
