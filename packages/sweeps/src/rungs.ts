/** The rung ladder of ASHA and Hyperband, as SweepScheduler holds it. */
export interface RungLadder {
  /** Reduction factor: a rung promotes the top 1/eta of its trials. */
  eta: number;
  /** Steps of the first rung. */
  minSteps: number;
  /** Steps of the last rung, the most any trial trains. */
  maxSteps: number;
}

function checkLadder({ eta, minSteps, maxSteps }: RungLadder): void {
  if (!Number.isInteger(eta) || eta < 2) throw new RangeError(`eta must be an integer of at least 2, got ${eta}`);
  if (!Number.isInteger(minSteps) || minSteps < 1) {
    throw new RangeError(`minSteps must be a positive integer, got ${minSteps}`);
  }
  if (!Number.isInteger(maxSteps) || maxSteps <= minSteps) {
    throw new RangeError(`maxSteps must be an integer above minSteps (${minSteps}), got ${maxSteps}`);
  }
}

/**
 * ASHA's rungs, as total steps: minSteps·eta^k for every k ≥ 0 with minSteps·eta^k < maxSteps, then maxSteps, so
 * maxSteps is always the last rung. eta 3 from 1 to 81 gives [1, 3, 9, 27, 81]; from 10 to 100, [10, 30, 90, 100].
 *
 * Differs from Li et al. (2020), whose ladder is exactly geometric (maxSteps = minSteps·eta^K): when maxSteps is no
 * power, the last rung here is closer to the one before it than eta. It is kept rather than dropped so that every
 * promoted trial ends at the budget the user asked for.
 */
export function ashaRungs(ladder: RungLadder): number[] {
  checkLadder(ladder);
  const rungs: number[] = [];
  for (let steps = ladder.minSteps; steps < ladder.maxSteps; steps *= ladder.eta) rungs.push(steps);
  rungs.push(ladder.maxSteps);
  return rungs;
}

/**
 * Hyperband's brackets over ASHA (Ray's AsyncHyperBand): bracket s runs ASHA on the ladder that starts at
 * minSteps·eta^s, i.e. ashaRungs without its first s rungs, for s = 0 .. (geometric rungs − 1). Bracket 0 is the most
 * aggressive (plain ASHA); the last starts one rung below maxSteps.
 *
 * Differs from Li et al. (2018): there is no bracket of trials that all train maxSteps without early stopping; that
 * is random search, which the "none" scheduler already is.
 */
export function hyperbandBrackets(ladder: RungLadder): number[][] {
  const rungs = ashaRungs(ladder);
  return Array.from({ length: rungs.length - 1 }, (_, s) => rungs.slice(s));
}

/** The bracket a new trial joins: round-robin over the brackets by trial number, so they fill equally. */
export function bracketOfTrial(trialNumber: number, bracketCount: number): number {
  if (!Number.isInteger(bracketCount) || bracketCount < 1) {
    throw new RangeError(`bracketCount must be a positive integer, got ${bracketCount}`);
  }
  return trialNumber % bracketCount;
}
