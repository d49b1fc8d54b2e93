import * as tf from "@tensorflow/tfjs";
import { ctcBeamSearchDecode, ctcGreedyDecode } from "./ctc-decode";
import { ctcLoss } from "./ctc-loss";
import { bruteForceLabelings, rng } from "./brute-force.test-util";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

function randomLogits(next: () => number, T: number, C: number): number[][] {
  return Array.from({ length: T }, () => Array.from({ length: C }, () => (next() - 0.5) * 4));
}

function logProbOf(logits: number[][], label: number[], blank: number): number {
  return tf.tidy(
    () =>
      -(ctcLoss(tf.tensor3d([logits]), [label], [logits.length], [label.length], {
        blank,
        reduction: "sum",
      }).dataSync()[0] as number),
  );
}

describe("ctcGreedyDecode", () => {
  it("takes the argmax per step, merges repeats, drops blanks and stops at the input length", () => {
    const onehot = (ids: number[]): number[][] => ids.map((k) => [0, 1, 2, 3].map((c) => (c === k ? 1 : 0)));
    const x = tf.tensor3d([onehot([1, 1, 0, 1, 2, 2, 3, 3]), onehot([0, 3, 3, 0, 0, 3, 1, 2])]);
    expect(ctcGreedyDecode(x, [8, 6])).toEqual([
      [1, 1, 2, 3],
      [3, 3],
    ]);
    expect(ctcGreedyDecode(x, [8, 6], { blank: 3 })).toEqual([
      [1, 0, 1, 2],
      [0, 0],
    ]);
    x.dispose();
  });
});

describe("ctcBeamSearchDecode", () => {
  it("finds the most probable labeling found by brute force (beam wide enough) with its exact log-probability", () => {
    const next = rng(21);
    for (const [T, C, blank] of [
      [3, 3, 0],
      [4, 3, 1],
      [5, 3, 0],
      [4, 4, 3],
    ] as const) {
      for (let trial = 0; trial < 3; trial++) {
        const logits = randomLogits(next, T, C);
        const all = bruteForceLabelings(logits, blank);
        const sorted = [...all].sort((a, b) => b[1] - a[1]);
        const [bestKey, bestLogP] = sorted[0] as [string, number];
        // A beam holding every prefix makes prefix search exact.
        const x = tf.tensor3d([logits]);
        const res = ctcBeamSearchDecode(x, [T], { beamWidth: 200, blank, topPaths: 3 });
        x.dispose();
        expect(res.paths[0]?.[0]?.join(",")).toBe(bestKey);
        expect(res.logProbs[0]?.[0] as number).toBeCloseTo(bestLogP, 5);
        for (let k = 0; k < 3; k++) {
          expect(res.paths[0]?.[k]?.join(",")).toBe(sorted[k]?.[0]);
          expect(res.logProbs[0]?.[k] as number).toBeCloseTo(sorted[k]?.[1] as number, 5);
        }
      }
    }
  });

  it("scores at least as well as greedy decoding (probability of the whole labeling) at a modest width", () => {
    const next = rng(33);
    let strictlyBetter = 0;
    for (let trial = 0; trial < 20; trial++) {
      const T = 10;
      const C = 4;
      const logits = randomLogits(next, T, C);
      const x = tf.tensor3d([logits]);
      const greedy = ctcGreedyDecode(x, [T])[0] as number[];
      const beam = ctcBeamSearchDecode(x, [T], { beamWidth: 8 });
      x.dispose();
      const beamLogP = logProbOf(logits, beam.paths[0]?.[0] as number[], 0);
      // Pruned alignments make the beam's own score a lower bound on the labeling's probability.
      expect(beam.logProbs[0]?.[0] as number).toBeLessThanOrEqual(beamLogP + 1e-5);
      const greedyLogP = logProbOf(logits, greedy, 0);
      expect(beamLogP).toBeGreaterThanOrEqual(greedyLogP - 1e-5);
      if (beamLogP > greedyLogP + 1e-4) strictlyBetter++;
    }
    // Random peaked-free scores are exactly where summing alignments matters.
    expect(strictlyBetter).toBeGreaterThan(0);
  });

  it("handles mixed input lengths in a batch and validates its options", () => {
    const next = rng(4);
    const a = randomLogits(next, 6, 3);
    const b = randomLogits(next, 6, 3);
    const x = tf.tensor3d([a, b]);
    const batched = ctcBeamSearchDecode(x, [6, 3], { beamWidth: 50 });
    const y = tf.tensor3d([b.slice(0, 3)]);
    const alone = ctcBeamSearchDecode(y, [3], { beamWidth: 50 });
    y.dispose();
    expect(batched.paths[1]).toEqual(alone.paths[0]);
    expect(() => ctcBeamSearchDecode(x, [6, 3], { beamWidth: 0 })).toThrow(/beamWidth/);
    expect(() => ctcBeamSearchDecode(x, [6, 3], { beamWidth: 2, topPaths: 3 })).toThrow(/topPaths/);
    expect(() => ctcBeamSearchDecode(x, [7, 3])).toThrow(/inputLengths\[0\]/);
    x.dispose();
  });
});
