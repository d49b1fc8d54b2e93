/**
 * How a run's restart budget (`training.maxRestarts`) becomes attempts, in one place. Two counters enforce it:
 *
 * - the database's `Run.attempt` / `Run.maxAttempts`, which decide: an attempt is only claimed while
 *   `attempt < maxAttempts`, so the first attempt plus `maxRestarts` restarts is the whole budget;
 * - BullMQ's job `attempts`, which only has to keep delivering the job while the database still allows an attempt,
 *   and once more after that, so that the delivery which finds the budget spent can mark the run failed
 *   (otherwise BullMQ would fail the job silently and the run would stay RUNNING with nobody training it).
 *
 * A graceful hand-over (a worker shutting down) is not a failure, so it gives back the attempt it used.
 */
export const AttemptPolicy = {
  /** `Run.maxAttempts` for a new run: the first attempt plus the allowed restarts. */
  maxAttempts(maxRestarts: number): number {
    return 1 + maxRestarts;
  },
  /** BullMQ `attempts` for the run's job: one delivery per allowed attempt, plus the one that records the failure. */
  queueDeliveries(maxRestarts: number): number {
    return AttemptPolicy.maxAttempts(maxRestarts) + 1;
  },
  /** Whether a run that has used `attempt` of `maxAttempts` may start another. */
  mayStartAnother(attempt: number, maxAttempts: number): boolean {
    return attempt < maxAttempts;
  },
  /** Attempts a hand-over gives back (added to `maxAttempts`): the one it used, which is not a failure. */
  refundedByHandBack: 1,
} as const;
