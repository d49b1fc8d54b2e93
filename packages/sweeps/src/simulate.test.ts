import { SweepDefinition, type SweepDefinitionInput, type TrialParameters } from "@seqlab/contracts";
import { hashKey } from "./seeded-random";
import { simulateSweep, type SimulationEvent } from "./simulate";

const parameters = {
  "training.learningRate": { kind: "log-uniform", min: 1e-4, max: 1 },
  "modelHyperparameters.units": { kind: "choice", values: [16, 32, 64, 128] },
} as const;

const definition = (overrides: Partial<SweepDefinitionInput>) =>
  SweepDefinition.parse({
    base: { model: "lstm", dataset: "adding", training: { steps: 81 } },
    method: "random",
    parameters,
    metric: { name: "val/loss", goal: "minimize" },
    limits: { maxTrials: 81, maxConcurrent: 8 },
    seed: 11,
    ...overrides,
  });

/**
 * A synthetic validation loss: best at learning rate 1e-2 and 64 units, falling as 1/√steps toward that config's
 * floor, with deterministic noise of ±0.025 per (config, steps) so that early rungs rank imperfectly.
 */
function loss(params: TrialParameters, steps: number): number {
  const lr = Math.log10(params["training.learningRate"] as number);
  const units = Math.log2(params["modelHyperparameters.units"] as number);
  const floor = (lr + 2) ** 2 + 0.3 * (units - 6) ** 2;
  const noise = hashKey([JSON.stringify(params), steps]) / 2 ** 32 - 0.5;
  return floor + 3 / Math.sqrt(steps) + 0.05 * noise;
}

/** Bigger models train slower, so results arrive out of trial order. */
const durationPerStep = (params: TrialParameters) => (params["modelHyperparameters.units"] as number) / 16;

/** The most trials active at once, replayed from the events. */
function peakActive(events: readonly SimulationEvent[]): number {
  let [active, peak] = [0, 0];
  for (const event of events) {
    if (event.kind === "start" || event.kind === "promote") active += 1;
    if (event.kind === "report" || event.kind === "fail") active -= 1;
    peak = Math.max(peak, active);
  }
  return peak;
}

describe("simulateSweep", () => {
  const asha = simulateSweep({
    definition: definition({ scheduler: { kind: "asha", eta: 3, minSteps: 1, maxSteps: 81 } }),
    objective: loss,
    durationPerStep,
  });
  const random = simulateSweep({ definition: definition({}), objective: loss, durationPerStep });

  it("finds a near-best config with far fewer steps than random search over the same trials", () => {
    expect(asha.trials.map((t) => t.params)).toEqual(random.trials.map((t) => t.params));
    expect(random.stepsSpent.resume).toBe(81 * 81);
    expect(asha.stepsSpent.resume * 10).toBeLessThan(random.stepsSpent.resume);
    expect(asha.bestMetric! - random.bestMetric!).toBeLessThan(0.05);
    expect(asha.trials.find((t) => t.trialNumber === asha.bestTrial)?.status).toBe("COMPLETED");
    // Random search given ASHA's steps trains only a few configs to the end, and does worse.
    const budgeted = simulateSweep({
      definition: definition({ limits: { maxTrials: 81, maxConcurrent: 8, stepBudget: asha.stepsSpent.resume } }),
      objective: loss,
      durationPerStep,
    });
    expect(budgeted.trials.length).toBeLessThan(10);
    expect(budgeted.bestMetric! - asha.bestMetric!).toBeGreaterThan(1);
  });

  it("finishes sooner on the fake clock and spends more when promotions restart from scratch", () => {
    expect(asha.duration).toBeLessThan(random.duration);
    expect(asha.stepsSpent.restart).toBeGreaterThan(asha.stepsSpent.resume);
    expect(random.stepsSpent.restart).toBe(random.stepsSpent.resume);
  });

  it("keeps to maxConcurrent and maxTrials, ends with one complete, and reports out of trial order", () => {
    for (const result of [asha, random]) {
      expect(peakActive(result.events)).toBe(8);
      expect(result.trials).toHaveLength(81);
      expect(result.events.filter((e) => e.kind === "complete")).toHaveLength(1);
      expect(result.events.at(-1)?.kind).toBe("complete");
    }
    const reports = asha.events.filter((e) => e.kind === "report").map((e) => e.trialNumber);
    expect(reports).not.toEqual([...reports].sort((a, b) => a - b));
  });

  it("promotes only trials in their rung's top third when they were promoted", () => {
    const finishedRung0: { trialNumber: number; value: number }[] = [];
    for (const event of asha.events) {
      if (event.kind === "report" && event.rung === 0) finishedRung0.push(event);
      if (event.kind === "promote" && event.toRung === 1) {
        const ranked = [...finishedRung0].sort((a, b) => a.value - b.value || a.trialNumber - b.trialNumber);
        const top = ranked.slice(0, Math.floor(ranked.length / 3)).map((r) => r.trialNumber);
        expect(top).toContain(event.trialNumber);
      }
    }
    const promotions = asha.events.filter((e) => e.kind === "promote").map((e) => JSON.stringify(e));
    expect(new Set(promotions).size).toBe(promotions.length);
  });

  it("spends no more than the step budget", () => {
    for (const stepBudget of [50, 200, 777]) {
      const result = simulateSweep({
        definition: definition({
          scheduler: { kind: "hyperband", eta: 3, minSteps: 1, maxSteps: 81 },
          limits: { maxTrials: 81, maxConcurrent: 8, stepBudget },
        }),
        objective: loss,
        durationPerStep,
      });
      expect(result.stepsSpent.resume).toBeLessThanOrEqual(stepBudget);
      expect(result.stepsSpent.resume).toBeGreaterThan(stepBudget - 81);
    }
  });

  it("runs Hyperband brackets round-robin to maxSteps, and survives failures", () => {
    const result = simulateSweep({
      definition: definition({
        scheduler: { kind: "hyperband", eta: 3, minSteps: 1, maxSteps: 81 },
        limits: { maxTrials: 40, maxConcurrent: 4 },
      }),
      objective: loss,
      durationPerStep,
      fails: (trialNumber, rung) => trialNumber % 7 === 3 && rung === 0,
    });
    expect(result.trials.map((t) => t.bracket)).toEqual(result.trials.map((t) => t.trialNumber % 4));
    expect(result.trials.filter((t) => t.status === "FAILED").map((t) => t.trialNumber)).toEqual([
      3, 10, 17, 24, 31, 38,
    ]);
    // Every rung sends on at least ⌊n/η⌋ of the n trials that finished it (more when early promotions were overtaken).
    const brackets = [0, 1, 2, 3].map((bracket) => {
      const members = result.trials.filter((t) => t.bracket === bracket);
      const ladder = members[0]!.rungSteps;
      return ladder.map((_, k) => members.filter((t) => t.results[k] !== undefined).length);
    });
    // Ten trials a bracket, six failures spread over brackets 3, 2, 1, 0, 3, 2: here exactly the ⌊n/η⌋ chain.
    expect(brackets).toEqual([
      [9, 3, 1, 0, 0],
      [9, 3, 1, 0],
      [8, 3, 1],
      [8, 2],
    ]);
    for (const finished of brackets) {
      finished.slice(1).forEach((n, k) => expect(n).toBeGreaterThanOrEqual(Math.floor(finished[k]! / 3)));
    }
    expect(result.trials.every((t) => t.status !== "QUEUED" && t.status !== "RUNNING")).toBe(true);
    expect(result.trials.find((t) => t.trialNumber === result.bestTrial)?.rungSteps.at(-1)).toBe(81);
  });

  it("is deterministic", () => {
    const again = simulateSweep({
      definition: definition({ scheduler: { kind: "asha", eta: 3, minSteps: 1, maxSteps: 81 } }),
      objective: loss,
      durationPerStep,
    });
    expect(again).toEqual(asha);
  });
});
