import { SweepDefinition, type SweepDefinitionInput } from "@seqlab/contracts";
import { nextActions } from "./asha";
import {
  applySweepAction,
  markTrial,
  recordTrialResult,
  type SweepAction,
  type SweepSnapshot,
  type TrialState,
} from "./sweep-snapshot";

/** An ASHA sweep with rungs [1, 3, 9] at η = 3, three slots, minimising. */
const definition = (overrides: Partial<SweepDefinitionInput> = {}) =>
  SweepDefinition.parse({
    base: { model: "lstm", dataset: "adding" },
    method: "random",
    parameters: { "training.learningRate": { kind: "log-uniform", min: 1e-4, max: 1e-1 } },
    metric: { name: "val/loss", goal: "minimize" },
    scheduler: { kind: "asha", eta: 3, minSteps: 1, maxSteps: 9 },
    limits: { maxTrials: 6, maxConcurrent: 3 },
    ...overrides,
  });

const empty = (def: SweepDefinition): SweepSnapshot => ({ definition: def, trials: [], trialsCreated: 0 });

/** The snapshot's actions and the snapshot after the controller carried them out. */
function step(snapshot: SweepSnapshot): [SweepAction[], SweepSnapshot] {
  const actions = nextActions(snapshot);
  return [actions, actions.reduce(applySweepAction, snapshot)];
}

const start = (trialNumber: number, steps = 1, bracket = 0): SweepAction => ({
  kind: "start",
  trialNumber,
  bracket,
  steps,
});
const promote = (trialNumber: number, toRung: number, steps: number): SweepAction => ({
  kind: "promote",
  trialNumber,
  toRung,
  steps,
});

const trial = (
  trialNumber: number,
  rung: number,
  status: TrialState["status"],
  results: (number | undefined)[],
  bracket = 0,
): TrialState => ({ trialNumber, bracket, rung, status, results });

describe("nextActions under ASHA", () => {
  it("promotes as results arrive out of order, a late straggler included, and never twice", () => {
    let s = empty(definition());
    let actions: SweepAction[];
    [actions, s] = step(s);
    expect(actions).toEqual([start(0), start(1), start(2)]);
    expect(nextActions(s)).toEqual([]);

    // Trial 1 reports first: one result at rung 0, ⌊1/3⌋ = 0 promotable, so a new trial takes the slot.
    [actions, s] = step(recordTrialResult(s, 1, 0.5));
    expect(actions).toEqual([start(3)]);
    [actions, s] = step(recordTrialResult(s, 0, 0.7));
    expect(actions).toEqual([start(4)]);
    // Three results at rung 0: the best of them (trial 3) is promoted to rung 1, i.e. resumed to 3 steps in total.
    s = recordTrialResult(s, 3, 0.2);
    expect(nextActions(s)).toEqual([promote(3, 1, 3)]);
    expect(nextActions(s)).toEqual([promote(3, 1, 3)]);
    [actions, s] = step(s);
    // Four results: the top ⌊4/3⌋ = 1 is trial 3, already promoted, so it is not promoted again.
    [actions, s] = step(recordTrialResult(s, 4, 0.9));
    expect(actions).toEqual([start(5)]);
    // The straggler trial 2 beats trial 3: with five results it is the top one, and is promoted too.
    [actions, s] = step(recordTrialResult(s, 2, 0.1));
    expect(actions).toEqual([promote(2, 1, 3)]);
    // Six results, top two {2, 3}, both promoted; all six trials exist: the free slot stays empty, nothing completes.
    [actions, s] = step(recordTrialResult(s, 5, 0.3));
    expect(actions).toEqual([]);
    // Rung 1 holds one result, then two: fewer than η, so nobody goes on to rung 2.
    [actions, s] = step(recordTrialResult(s, 3, 0.15));
    expect(actions).toEqual([]);
    [actions, s] = step(recordTrialResult(s, 2, 0.05));
    expect(actions).toEqual([{ kind: "complete" }]);
    expect(s.trials.map((t) => [t.trialNumber, t.status, t.rung])).toEqual([
      [0, "PAUSED", 0],
      [1, "PAUSED", 0],
      [2, "PAUSED", 1],
      [3, "PAUSED", 1],
      [4, "PAUSED", 0],
      [5, "PAUSED", 0],
    ]);
  });

  it("fills several free slots with distinct promotions, best first, then new trials", () => {
    const results = [0.6, 0.2, 0.5, 0.9, 0.1, 0.7];
    const s: SweepSnapshot = {
      definition: definition({ limits: { maxTrials: 8, maxConcurrent: 4 } }),
      trials: results.map((r, i) => trial(i, 0, "PAUSED", [r])),
      trialsCreated: 6,
    };
    // Six results, top ⌊6/3⌋ = 2: trials 4 (0.1) and 1 (0.2); the other two slots start trials 6 and 7.
    expect(nextActions(s)).toEqual([promote(4, 1, 3), promote(1, 1, 3), start(6), start(7)]);
  });

  it("promotes from the highest rung first when one slot is free", () => {
    const s: SweepSnapshot = {
      definition: definition({ limits: { maxTrials: 9, maxConcurrent: 3 } }),
      trials: [
        trial(0, 1, "PAUSED", [0.1, 0.05]),
        trial(1, 1, "PAUSED", [0.2, 0.3]),
        trial(2, 1, "PAUSED", [0.3, 0.4]),
        trial(3, 0, "PAUSED", [0.4]),
        trial(4, 0, "PAUSED", [0.5]),
        trial(5, 0, "PAUSED", [0.6]),
        trial(6, 0, "PAUSED", [0.01]),
        trial(7, 0, "PAUSED", [0.7]),
        trial(8, 0, "RUNNING", []),
        trial(9, 0, "RUNNING", []),
      ],
      trialsCreated: 9,
    };
    // Rung 1 has 3 results: trial 0 goes to the last rung (9 steps) before trial 6, top of rung 0 (⌊9/3⌋ = 3).
    expect(nextActions(s)).toEqual([promote(0, 2, 9)]);
    expect(nextActions({ ...s, trials: s.trials.filter((t) => t.trialNumber !== 9) })).toEqual([
      promote(0, 2, 9),
      promote(6, 1, 3),
    ]);
  });

  it("maximises when asked to, and never promotes a NaN or missing result", () => {
    const maximise = definition({ metric: { name: "val/accuracy", goal: "maximize" }, limits: { maxTrials: 3 } });
    const ranked: SweepSnapshot = {
      definition: maximise,
      trials: [trial(0, 0, "PAUSED", [0.5]), trial(1, 0, "PAUSED", [0.9]), trial(2, 0, "PAUSED", [0.7])],
      trialsCreated: 3,
    };
    expect(nextActions(ranked)).toEqual([promote(1, 1, 3)]);
    const diverged: SweepSnapshot = {
      ...ranked,
      trials: [trial(0, 0, "PAUSED", [NaN]), trial(1, 0, "PAUSED", [undefined]), trial(2, 0, "PAUSED", [NaN])],
    };
    expect(nextActions(diverged)).toEqual([{ kind: "complete" }]);
    const oneNumber = { ...diverged, trials: [...diverged.trials.slice(0, 2), trial(2, 0, "PAUSED", [0.1])] };
    expect(nextActions(oneNumber)).toEqual([promote(2, 1, 3)]);
  });

  it("counts a failed trial as finished without a result at the rung it failed on", () => {
    const s: SweepSnapshot = {
      definition: definition({ limits: { maxTrials: 4 } }),
      trials: [
        trial(0, 0, "PAUSED", [0.5]),
        trial(1, 0, "FAILED", []),
        trial(2, 0, "PAUSED", [0.4]),
        trial(3, 1, "FAILED", [0.1]),
      ],
      trialsCreated: 4,
    };
    // Rung 0: trials 0, 2 and 3 (which finished it before failing on rung 1); top 1 is trial 3, which cannot resume.
    expect(nextActions(s)).toEqual([{ kind: "complete" }]);
    const fourth = { ...s, trials: [...s.trials, trial(4, 0, "PAUSED", [0.45])], trialsCreated: 5 };
    expect(nextActions({ ...fourth, definition: definition({ limits: { maxTrials: 6 } }) })).toEqual([start(5)]);
  });

  it("breaks ties by the lower trial number", () => {
    const s: SweepSnapshot = {
      definition: definition({ limits: { maxTrials: 3 } }),
      trials: [trial(2, 0, "PAUSED", [0.3]), trial(0, 0, "PAUSED", [0.3]), trial(1, 0, "PAUSED", [0.3])],
      trialsCreated: 3,
    };
    expect(nextActions(s)).toEqual([promote(0, 1, 3)]);
  });

  it("completes a trial at the last rung and completes the sweep only when nothing can happen", () => {
    let s: SweepSnapshot = {
      definition: definition({ limits: { maxTrials: 3 } }),
      trials: [
        trial(0, 2, "RUNNING", [0.1, 0.1]),
        trial(1, 1, "PAUSED", [0.2, 0.3]),
        trial(2, 1, "PAUSED", [0.3, 0.4]),
      ],
      trialsCreated: 3,
    };
    expect(nextActions(s)).toEqual([]);
    s = recordTrialResult(s, 0, 0.05);
    expect(s.trials[0]!.status).toBe("COMPLETED");
    expect(nextActions(s)).toEqual([{ kind: "complete" }]);
    expect(nextActions(markTrial(s, 1, "CANCELLED"))).toEqual([{ kind: "complete" }]);
  });

  it("keeps QUEUED and RUNNING trials within maxConcurrent", () => {
    const s: SweepSnapshot = {
      definition: definition({ limits: { maxTrials: 20, maxConcurrent: 2 } }),
      trials: [trial(0, 0, "QUEUED", []), trial(1, 0, "RUNNING", [])],
      trialsCreated: 2,
    };
    expect(nextActions(s)).toEqual([]);
    expect(nextActions(markTrial(s, 1, "FAILED"))).toEqual([start(2)]);
    expect(nextActions(empty(definition({ limits: { maxTrials: 20, maxConcurrent: 5 } })))).toHaveLength(5);
  });

  it("respects the step budget, counting steps committed to running trials, and takes a promotion that fits", () => {
    const budgeted = (stepBudget: number) => definition({ limits: { maxTrials: 10, maxConcurrent: 3, stepBudget } });
    const trials = [
      trial(0, 0, "PAUSED", [0.1]),
      trial(1, 0, "PAUSED", [0.2]),
      trial(2, 0, "PAUSED", [0.3]),
      trial(3, 0, "RUNNING", []),
    ];
    // Spent: 3 steps reached + 1 committed. Promoting trial 0 adds 2 more (to 3 steps); a new trial adds 1.
    const at = (stepBudget: number) => nextActions({ definition: budgeted(stepBudget), trials, trialsCreated: 4 });
    expect(at(7)).toEqual([promote(0, 1, 3), start(4)]);
    expect(at(6)).toEqual([promote(0, 1, 3)]);
    expect(at(5)).toEqual([start(4)]);
    expect(at(4)).toEqual([]);
    // With nothing running and 3 steps spent of 3, nothing fits and nothing can change: the sweep is complete.
    expect(nextActions({ definition: budgeted(3), trials: trials.slice(0, 3), trialsCreated: 3 })).toEqual([
      { kind: "complete" },
    ]);
  });

  it("gives the same actions for the same snapshot, and none of them again once applied", () => {
    const s: SweepSnapshot = {
      definition: definition({ limits: { maxTrials: 10, maxConcurrent: 4 } }),
      trials: [trial(0, 0, "PAUSED", [0.3]), trial(1, 0, "PAUSED", [0.1]), trial(2, 0, "PAUSED", [0.2])],
      trialsCreated: 3,
    };
    const first = nextActions(s);
    expect(nextActions(s)).toEqual(first);
    const applied = first.reduce(applySweepAction, s);
    expect(nextActions(applied)).toEqual([]);
    expect(() => applySweepAction(applied, first[0]!)).toThrow(RangeError);
  });
});

describe("nextActions under Hyperband", () => {
  const hyperband = (limits: SweepDefinitionInput["limits"]) =>
    definition({ scheduler: { kind: "hyperband", eta: 3, minSteps: 1, maxSteps: 9 }, limits });

  it("deals new trials round-robin over the brackets, each starting at its bracket's first rung", () => {
    // Brackets [1, 3, 9] and [3, 9].
    expect(nextActions(empty(hyperband({ maxTrials: 10, maxConcurrent: 5 })))).toEqual([
      start(0, 1, 0),
      start(1, 3, 1),
      start(2, 1, 0),
      start(3, 3, 1),
      start(4, 1, 0),
    ]);
  });

  it("ranks each bracket's rungs apart, and prefers the promotion higher on the common ladder", () => {
    const trials = [
      trial(0, 0, "PAUSED", [0.9]),
      trial(2, 0, "PAUSED", [0.8]),
      trial(4, 0, "PAUSED", [0.7]),
      trial(1, 0, "PAUSED", [0.95], 1),
      trial(3, 0, "PAUSED", [0.99], 1),
      trial(5, 0, "PAUSED", [0.97], 1),
    ];
    const s: SweepSnapshot = { definition: hyperband({ maxTrials: 6, maxConcurrent: 1 }), trials, trialsCreated: 6 };
    // Bracket 1's rung 0 is 3 steps, above bracket 0's rung 0 (1 step), though its results are worse: its best
    // (trial 1) goes to 9 steps first. Bracket 0's best (trial 4) is promoted with the next free slot.
    let actions: SweepAction[];
    let next: SweepSnapshot;
    [actions, next] = step(s);
    expect(actions).toEqual([promote(1, 1, 9)]);
    [actions, next] = step(recordTrialResult(next, 1, 0.5));
    expect(actions).toEqual([promote(4, 1, 3)]);
    expect(next.trials.find((t) => t.trialNumber === 1)?.status).toBe("COMPLETED");
  });
});

describe("nextActions without a scheduler", () => {
  it("starts every trial with base.training.steps up to the limits, and completes when they are done", () => {
    const none = definition({ scheduler: { kind: "none" }, limits: { maxTrials: 3, maxConcurrent: 2 } });
    let s = empty(none);
    let actions: SweepAction[];
    [actions, s] = step(s);
    expect(actions).toEqual([start(0, 500), start(1, 500)]);
    [actions, s] = step(recordTrialResult(s, 1, 0.4));
    expect(actions).toEqual([start(2, 500)]);
    expect(s.trials[1]!.status).toBe("COMPLETED");
    [actions, s] = step(recordTrialResult(recordTrialResult(s, 0, 0.3), 2, 0.2));
    expect(actions).toEqual([{ kind: "complete" }]);
  });

  it("trains each trial its own training.steps when that is swept, and stops at the grid's end", () => {
    const grid = definition({
      scheduler: { kind: "none" },
      method: "grid",
      parameters: { "training.steps": { kind: "choice", values: [100, 300] } },
      limits: { maxTrials: 10, maxConcurrent: 4, stepBudget: 400 },
    });
    expect(nextActions(empty(grid))).toEqual([start(0, 100), start(1, 300)]);
    const over = { ...grid, limits: { ...grid.limits, stepBudget: 399 } };
    expect(nextActions(empty(over))).toEqual([start(0, 100)]);
  });
});
