import {
  SweepDefinition,
  type ResolvedRunConfig,
  type RunStatus,
  type SweepDefinition as SweepDefinitionType,
} from "@seqlab/contracts";
import type { LockedSweep, RunRepository, SweepRepository, TrialRow } from "@seqlab/db";
import type { SweepQueue, TrainingQueue } from "@seqlab/queue";
import {
  applyTrialParameters,
  nextActions,
  trialParameters,
  trialRungSteps,
  type SweepSnapshot,
  type TrialState,
  type TrialStatus,
} from "@seqlab/sweeps";
import { LaunchValidationError, resolveRunConfig } from "../run-service";

export interface SweepControllerDeps {
  sweeps: SweepRepository;
  runs: RunRepository;
  queueFor: (queue: string) => TrainingQueue;
  sweepQueue: SweepQueue;
  /** Cancels a trial's run (queued: at once; running: asked to stop). */
  cancelRun: (runId: string) => Promise<unknown>;
  log?: (message: string) => void;
  /**
   * Test-only: "exit-after-promotion" kills this process (SIGKILL) right after a decision that promotes a trial has
   * committed and before the trial is queued: the crash the tick must repair.
   */
  fault?: "exit-after-promotion";
}

/** What one `advance` did. */
export interface AdvanceReport {
  started: number[];
  promoted: number[];
  recorded: number;
  completed: boolean;
  /** Trials whose training job was (re)queued: the decision's own, and QUEUED trials found with no job. */
  queued: string[];
}

/** A trial's run status as the scheduler sees it. */
function trialStatus(status: RunStatus): TrialStatus {
  switch (status) {
    case "QUEUED":
    case "RUNNING":
    case "PAUSED":
    case "CANCELLED":
      return status;
    case "SUCCEEDED":
      return "COMPLETED";
    case "FAILED":
    case "DIVERGED":
    case "CRASHED":
      return "FAILED";
  }
}

/** Job states in which a run's training job will still be (or is being) worked on. */
const LIVE_JOB_STATES = new Set(["waiting", "prioritized", "active", "delayed", "waiting-children"]);

/**
 * The sweep controller: turns trial reports and the periodic tick into the scheduler's decisions (packages/sweeps)
 * and carries them out. Every decision is made and written in one transaction holding the sweep's row lock, so
 * two web replicas, a retried job or a restart never create a trial twice (a trial number is unique in its sweep),
 * never promote twice (a promotion is conditional on the trial still being PAUSED at its rung) and never lose a
 * trial: a trial is QUEUED in the database before its job exists, and every advance queues each QUEUED trial
 * that has no live job, so a crash between the commit and the queueing is repaired by the next report or tick.
 */
export class SweepController {
  constructor(private readonly deps: SweepControllerDeps) {}

  /** Advances every running sweep: the periodic tick. */
  async tick(): Promise<void> {
    for (const id of await this.deps.sweeps.activeSweepIds()) {
      await this.advance(id).catch((error: unknown) =>
        this.deps.log?.(`sweep ${id}: advancing failed: ${error instanceof Error ? error.message : String(error)}`),
      );
    }
  }

  /** Records finished rungs, decides, writes the decision, then queues what it started or promoted. */
  async advance(sweepId: string): Promise<AdvanceReport | null> {
    const report: AdvanceReport = { started: [], promoted: [], recorded: 0, completed: false, queued: [] };
    const toCancel: string[] = [];
    const decided = await this.deps.sweeps.withSweepLocked(sweepId, async (locked) => {
      const parsed = SweepDefinition.safeParse(locked.sweep.definition);
      if (!parsed.success) {
        this.deps.log?.(`sweep ${sweepId}: its stored definition no longer parses; cancelled`);
        await locked.setStatus("CANCELLED");
        return [];
      }
      const definition = parsed.data;
      const trials = await locked.trials();
      if (locked.sweep.status === "CANCELLED") {
        toCancel.push(...trials.filter((t) => t.status === "QUEUED" || t.status === "RUNNING").map((t) => t.runId));
        return [];
      }
      const snapshot = await this.snapshot(locked, definition, trials, report);
      // A paused sweep still records what its running trials report, but starts and promotes nothing.
      if (locked.sweep.status !== "RUNNING") return trials.filter((t) => t.status === "QUEUED");
      return this.carryOut(locked, definition, snapshot, trials, report);
    });
    if (decided === null) return null;
    if (this.deps.fault === "exit-after-promotion" && report.promoted.length > 0) {
      process.kill(process.pid, "SIGKILL");
    }
    for (const runId of toCancel) await this.deps.cancelRun(runId);
    for (const trial of decided) {
      if (await this.ensureQueued(trial)) report.queued.push(trial.runId);
    }
    return report;
  }

  /** The scheduler's view, after recording the metric of each trial that stopped at a rung and has none yet. */
  private async snapshot(
    locked: LockedSweep,
    definition: SweepDefinitionType,
    trials: TrialRow[],
    report: AdvanceReport,
  ): Promise<SweepSnapshot> {
    const results = await locked.results();
    const known = new Map(results.map((r) => [`${r.trialNumber}:${r.rung}`, r.value]));
    let spent = trials.reduce((sum, t) => sum + (t.lastStep ?? 0), 0);
    for (const trial of trials) {
      if (trial.status !== "PAUSED" && trial.status !== "SUCCEEDED") continue;
      if (known.has(`${trial.trialNumber}:${trial.rung}`)) continue;
      const steps = trialRungSteps(definition, trial)[trial.rung]!;
      const value = await this.deps.sweeps.metricAt(trial.runId, definition.metric.name, steps);
      await locked.recordResult(trial.trialNumber, trial.rung, value, spent);
      known.set(`${trial.trialNumber}:${trial.rung}`, value);
      report.recorded += 1;
    }
    const states: TrialState[] = trials.map((trial) => {
      const values: (number | undefined)[] = [];
      for (let rung = 0; rung <= trial.rung; rung++) {
        const value = known.get(`${trial.trialNumber}:${rung}`);
        // A rung that ended with no metric logged ranks last, like a NaN.
        values[rung] = value === undefined ? undefined : (value ?? Number.NaN);
      }
      return {
        trialNumber: trial.trialNumber,
        bracket: trial.bracket,
        rung: trial.rung,
        status: trialStatus(trial.status),
        results: values,
      };
    });
    return { definition, trials: states, trialsCreated: locked.sweep.trialsCreated };
  }

  /** Writes the scheduler's actions; returns the trials to queue once the transaction commits. */
  private async carryOut(
    locked: LockedSweep,
    definition: SweepDefinitionType,
    snapshot: SweepSnapshot,
    trials: TrialRow[],
    report: AdvanceReport,
  ): Promise<TrialRow[]> {
    const toQueue = trials.filter((t) => t.status === "QUEUED");
    for (const action of nextActions(snapshot)) {
      if (action.kind === "complete") {
        await locked.setStatus("COMPLETED");
        report.completed = true;
        continue;
      }
      if (action.kind === "start") {
        const rungs = trialRungSteps(definition, { trialNumber: action.trialNumber, bracket: action.bracket });
        const config = this.trialConfig(definition, action.trialNumber, action.steps);
        const name = `${locked.sweep.name} #${action.trialNumber}`;
        const common = {
          trialNumber: action.trialNumber,
          bracket: action.bracket,
          rung: 0,
          name,
          queueName: definition.base.queue,
          priority: definition.priority,
        };
        if ("error" in config) {
          await locked.createFailedTrial({
            ...common,
            model: definition.base.model,
            dataset: definition.base.dataset,
            seed: definition.base.seed,
            errorReason: config.error,
            request: config.request,
          });
        } else {
          const runId = await locked.createTrial({ ...common, config, pauseAtEnd: rungs.length > 1 });
          toQueue.push({
            runId,
            name,
            trialNumber: action.trialNumber,
            bracket: action.bracket,
            rung: 0,
            status: "QUEUED",
            pauseAtEnd: rungs.length > 1,
            lastStep: null,
            queueName: definition.base.queue,
            priority: definition.priority,
            config,
          });
        }
        report.started.push(action.trialNumber);
        continue;
      }
      const trial = trials.find((t) => t.trialNumber === action.trialNumber)!;
      const current = trial.config as ResolvedRunConfig;
      const config = { ...current, training: { ...current.training, steps: action.steps } };
      const rungs = trialRungSteps(definition, trial);
      const pauseAtEnd = action.toRung < rungs.length - 1;
      if (await locked.promoteTrial(trial.runId, action.toRung - 1, config, pauseAtEnd)) {
        toQueue.push({ ...trial, rung: action.toRung, status: "QUEUED", pauseAtEnd, config });
        report.promoted.push(action.trialNumber);
      }
    }
    return toQueue;
  }

  /** Trial `n`'s resolved config at `steps`, or why the catalog refuses it (the trial is then recorded FAILED). */
  private trialConfig(
    definition: SweepDefinitionType,
    trialNumber: number,
    steps: number,
  ): ResolvedRunConfig | { error: string; request: unknown } {
    const parameters = trialParameters(definition, trialNumber) ?? {};
    const base = applyTrialParameters(definition.base, parameters);
    const request = { ...base, training: { ...base.training, steps } };
    try {
      return resolveRunConfig(request).config;
    } catch (error) {
      if (error instanceof LaunchValidationError) return { error: error.message, request };
      throw error;
    }
  }

  /**
   * Makes sure a QUEUED trial has a live training job. A finished job of its previous rung still holds the run's
   * id (job id = run id) and is removed first; while that job is still active (its worker is between recording
   * the pause and letting go of the job) nothing is done now: the worker's report, or the tick, comes back.
   */
  private async ensureQueued(trial: TrialRow): Promise<boolean> {
    const queue = this.deps.queueFor(trial.queueName);
    const existing = await queue.queue.getJob(trial.runId);
    if (existing) {
      const state = await existing.getState();
      if (LIVE_JOB_STATES.has(state)) return false;
      await existing.remove();
    }
    await queue.enqueueRun(trial.runId, trial.config as ResolvedRunConfig, { priority: trial.priority });
    return true;
  }
}
