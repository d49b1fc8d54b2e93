import { AttemptPolicy } from "./attempt-policy";

describe("AttemptPolicy", () => {
  it("gives a run its first attempt plus maxRestarts restarts", () => {
    expect(AttemptPolicy.maxAttempts(0)).toBe(1);
    expect(AttemptPolicy.maxAttempts(3)).toBe(4);
  });

  it("lets BullMQ deliver once more than the database allows attempts, so the last delivery can fail the run", () => {
    for (const maxRestarts of [0, 1, 3, 10]) {
      const attempts = AttemptPolicy.maxAttempts(maxRestarts);
      const deliveries = AttemptPolicy.queueDeliveries(maxRestarts);
      expect(deliveries).toBe(attempts + 1);
      // Walk the deliveries as the worker does: each claims an attempt until the budget is spent.
      let attempt = 0;
      let claimed = 0;
      for (let delivery = 1; delivery <= deliveries; delivery++) {
        if (AttemptPolicy.mayStartAnother(attempt, attempts)) {
          attempt++;
          claimed++;
        }
      }
      expect(claimed).toBe(1 + maxRestarts);
      expect(AttemptPolicy.mayStartAnother(attempt, attempts)).toBe(false);
    }
  });

  it("gives back the attempt a hand-over used", () => {
    const maxAttempts = AttemptPolicy.maxAttempts(1);
    // Attempt 1 is handed back: one more attempt fits than the restart budget alone would allow.
    const after = maxAttempts + AttemptPolicy.refundedByHandBack;
    expect(AttemptPolicy.mayStartAnother(2, after)).toBe(true);
    expect(AttemptPolicy.mayStartAnother(3, after)).toBe(false);
  });
});
