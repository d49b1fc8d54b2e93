import { ashaRungs, bracketOfTrial, hyperbandBrackets } from "./rungs";

describe("ashaRungs", () => {
  it("is minSteps·eta^k below maxSteps, then maxSteps", () => {
    expect(ashaRungs({ eta: 3, minSteps: 1, maxSteps: 81 })).toEqual([1, 3, 9, 27, 81]);
    expect(ashaRungs({ eta: 3, minSteps: 10, maxSteps: 100 })).toEqual([10, 30, 90, 100]);
    expect(ashaRungs({ eta: 2, minSteps: 10, maxSteps: 100 })).toEqual([10, 20, 40, 80, 100]);
    expect(ashaRungs({ eta: 4, minSteps: 5, maxSteps: 80 })).toEqual([5, 20, 80]);
    expect(ashaRungs({ eta: 10, minSteps: 1, maxSteps: 1_000_000 })).toEqual([
      1, 10, 100, 1000, 10_000, 100_000, 1_000_000,
    ]);
    expect(ashaRungs({ eta: 3, minSteps: 90, maxSteps: 100 })).toEqual([90, 100]);
    expect(ashaRungs({ eta: 3, minSteps: 99, maxSteps: 100 })).toEqual([99, 100]);
  });

  it("ends at maxSteps and grows by exactly eta below it, for every small ladder", () => {
    for (const eta of [2, 3, 5]) {
      for (let minSteps = 1; minSteps <= 12; minSteps++) {
        for (let maxSteps = minSteps + 1; maxSteps <= 400; maxSteps += 7) {
          const rungs = ashaRungs({ eta, minSteps, maxSteps });
          expect(rungs.at(-1)).toBe(maxSteps);
          expect(rungs[0]).toBe(minSteps);
          const geometric = rungs.slice(0, -1);
          geometric.forEach((steps, k) => expect(steps).toBe(minSteps * eta ** k));
          expect(geometric.at(-1)! * eta).toBeGreaterThanOrEqual(maxSteps);
        }
      }
    }
  });

  it("refuses a ladder that cannot be climbed, naming the argument", () => {
    expect(() => ashaRungs({ eta: 1, minSteps: 1, maxSteps: 9 })).toThrow(/eta/);
    expect(() => ashaRungs({ eta: 3, minSteps: 0, maxSteps: 9 })).toThrow(/minSteps/);
    expect(() => ashaRungs({ eta: 3, minSteps: 9, maxSteps: 9 })).toThrow(/maxSteps/);
  });
});

describe("hyperbandBrackets", () => {
  it("starts bracket s at minSteps·eta^s, one bracket per geometric rung, all ending at maxSteps", () => {
    expect(hyperbandBrackets({ eta: 3, minSteps: 1, maxSteps: 81 })).toEqual([
      [1, 3, 9, 27, 81],
      [3, 9, 27, 81],
      [9, 27, 81],
      [27, 81],
    ]);
    expect(hyperbandBrackets({ eta: 3, minSteps: 10, maxSteps: 100 })).toEqual([
      [10, 30, 90, 100],
      [30, 90, 100],
      [90, 100],
    ]);
    expect(hyperbandBrackets({ eta: 3, minSteps: 50, maxSteps: 100 })).toEqual([[50, 100]]);
  });
});

describe("bracketOfTrial", () => {
  it("deals trials round-robin", () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((n) => bracketOfTrial(n, 3))).toEqual([0, 1, 2, 0, 1, 2, 0]);
    expect(bracketOfTrial(7, 1)).toBe(0);
    expect(() => bracketOfTrial(0, 0)).toThrow(/bracketCount/);
  });
});
