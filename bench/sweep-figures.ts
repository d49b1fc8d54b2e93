/**
 * Figures for the sweeps issue: ASHA and Hyperband against random search on a real training problem, and the steps
 * that promotion by resuming from a checkpoint saves over promotion by restarting.
 *
 *   npx tsx bench/sweep-figures.ts [--trials 27] [--minSteps 18] [--maxSteps 486] [--sweepSeed 1] [--runSeed 42]
 *
 * Method. Each of the `trials` configs that random search samples (trialParameters of the sweep's seed: ASHA and
 * Hyperband sample the very same ones) is trained once, straight to maxSteps, by the worker's own training loop
 * (`runTrainingLoop` from @seqlab/worker, on wasm: the backend the worker picks without tfjs-node), and its val/loss
 * is recorded at every evaluated step (every gcd of the rungs, so at every rung). Random search's figure is the best
 * final val/loss, for trials × maxSteps steps. ASHA and Hyperband are then replayed by @seqlab/sweeps'
 * `simulateSweep` (the scheduler the platform runs) with an objective that looks the recorded val/loss up. The replay is exact, not an estimate: a promoted trial resumes from its rung's
 * checkpoint and trains bit for bit as its config trained straight through (apps/web/test/sweeps.test.ts), and
 * val/loss is scored on the whole validation split, so it does not depend on which steps were evaluated before.
 *
 * Deterministic given the seeds: trial configs, data batches and weight initialisation are seeded; only the
 * progress lines' wall times vary.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  ResolvedRunConfig,
  SweepDefinition,
  type SweepDefinitionInput,
  type SweepScheduler,
  type TrialParameters,
} from "@seqlab/contracts";
import { initBackend } from "@seqlab/models";
import { applyTrialParameters, ashaRungs, hyperbandBrackets, simulateSweep, trialParameters } from "@seqlab/sweeps";
import type { SimulationResult } from "@seqlab/sweeps";
import { runTrainingLoop } from "@seqlab/worker";

const SPOOL_DIR = mkdtempSync(path.join(tmpdir(), "seqlab-sweep-figures-"));
process.once("exit", () => rmSync(SPOOL_DIR, { recursive: true, force: true }));

/** `--name value` flags, each a positive integer. */
function intFlags(argv: string[]): Map<string, number> {
  const flags = new Map<string, number>();
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i] ?? "";
    const raw = argv[i + 1];
    const value = Number(raw);
    if (!name.startsWith("--") || raw === undefined || !Number.isInteger(value) || value < 0) {
      throw new Error(`expected --name <non-negative integer> pairs, got ${name} ${raw ?? ""}`);
    }
    flags.set(name.slice(2), value);
  }
  return flags;
}

const flags = intFlags(process.argv.slice(2));
/** 27 = 3^3 trials: enough for three rounds of η=3 halving, and the issue's example. */
const TRIALS = flags.get("trials") ?? 27;
/**
 * 18 → 486 steps (rungs 18, 54, 162, 486): the LSTMs measured here sit on the adding problem's constant-prediction
 * plateau (val/loss about 0.16) for 150-600 steps before they learn, so the last rung must lie past that; 27 configs
 * × 486 steps at about 15 ms a step keeps the whole bench near 4.5 minutes on 2 cores.
 */
const MIN_STEPS = flags.get("minSteps") ?? 18;
const MAX_STEPS = flags.get("maxSteps") ?? 486;
const ETA = 3;
const SWEEP_SEED = flags.get("sweepSeed") ?? 1;
const RUN_SEED = flags.get("runSeed") ?? 42;
/** The platform's default; it decides how early ASHA promotes (it never waits for a rung to fill). */
const MAX_CONCURRENT = 4;

/** Greatest common divisor: evaluating every gcd(rungs) steps evaluates at every rung. */
function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
const RUNGS = ashaRungs({ eta: ETA, minSteps: MIN_STEPS, maxSteps: MAX_STEPS });
const EVAL_EVERY = RUNGS.reduce(gcd);

const definitionInput = (scheduler: SweepScheduler): SweepDefinitionInput => ({
  name: `sweep-figures ${scheduler.kind}`,
  base: {
    model: "lstm",
    modelHyperparameters: {},
    dataset: "adding",
    // 256 validation samples: the whole split is scored at every evaluation (8 batches), so val/loss is a smooth
    // metric; 256 test samples keep the loop's final test evaluation cheap. The train split stays at its default.
    datasetParams: { length: 50, validationSize: 256, testSize: 256 },
    training: {
      steps: MAX_STEPS,
      batchSize: 32,
      optimizer: "adam",
      evalEvery: EVAL_EVERY,
      validateWholeSplit: true,
      // Checkpoints change no number (resume is exact); one at the end is all the straight runs need.
      checkpointEvery: 1_000_000,
      checkpointEveryMinutes: 24 * 60,
      // Training-batch metrics, gradient flow and predictions are extra forward/backward passes nothing here reads.
      trainMetricsEvery: 100_000,
      gradientFlow: false,
      logPredictions: false,
    },
    seed: RUN_SEED,
  },
  method: "random",
  parameters: {
    "training.learningRate": { kind: "log-uniform", min: 1e-3, max: 1e-1 },
    "modelHyperparameters.units": { kind: "choice", values: [4, 8, 16] },
    "training.clipNorm": { kind: "choice", values: [0.25, 1, 4] },
  },
  scheduler,
  metric: { name: "val/loss", goal: "minimize" },
  limits: { maxTrials: TRIALS, maxConcurrent: MAX_CONCURRENT },
  seed: SWEEP_SEED,
});

/** The sweep under one scheduler, parsed as the web app parses a submitted definition (defaults applied). */
const sweepOf = (scheduler: SweepScheduler): SweepDefinition => SweepDefinition.parse(definitionInput(scheduler));
const random = sweepOf({ kind: "none" });
const asha = sweepOf({ kind: "asha", eta: ETA, minSteps: MIN_STEPS, maxSteps: MAX_STEPS });
const hyperband = sweepOf({ kind: "hyperband", eta: ETA, minSteps: MIN_STEPS, maxSteps: MAX_STEPS });
/**
 * (η, minSteps) of the ladders figure 4 replays on the same curves: a later first rung, and other reduction factors.
 * Those whose rungs are not all evaluated steps are skipped.
 */
const OTHER_LADDERS: readonly (readonly [number, number])[] = [
  [ETA, MIN_STEPS],
  [ETA, MIN_STEPS * ETA],
  [ETA, MIN_STEPS * ETA * ETA],
  [2, MIN_STEPS],
  [2, MIN_STEPS * 3],
  [4, MIN_STEPS],
];

const log = (line = ""): void => {
  process.stdout.write(`${line}\n`);
};
/** Progress goes to stderr, so stdout is the markdown report alone. */
const progress = (line: string): void => {
  process.stderr.write(`${line}\n`);
};
const sig = (x: number | undefined): string => (x === undefined ? "-" : Number.isFinite(x) ? x.toPrecision(4) : `${x}`);
const ratio = (a: number, b: number): string => (a / b).toFixed(3);
/** A trial's parameters as the lookup key: trialParameters lists the fields in one (sorted) order. */
const keyOf = (params: TrialParameters): string => JSON.stringify(params);

/** A trial's parameters for a table cell, e.g. "lr 0.0234, 16 units, clipNorm 1". */
function describe(params: TrialParameters): string {
  const lr = params["training.learningRate"];
  return (
    `lr ${typeof lr === "number" ? lr.toPrecision(3) : String(lr)}, ` +
    `${String(params["modelHyperparameters.units"])} units, clipNorm ${String(params["training.clipNorm"])}`
  );
}

interface Curve {
  params: TrialParameters;
  /**
   * val/loss at every evaluated step (each multiple of EVAL_EVERY up to maxSteps), so any ladder whose rungs are such
   * multiples can be replayed; a run that diverged has NaN past that point (it ranks last).
   */
  atStep: Map<number, number>;
  parameterCount: string;
  ms: number;
}

/** Trains one trial's config straight to maxSteps with the worker's loop, recording val/loss at each rung. */
async function trainStraight(trialNumber: number): Promise<Curve> {
  const params = trialParameters(random, trialNumber)!;
  const request = applyTrialParameters(random.base, params);
  const config = ResolvedRunConfig.parse({
    model: request.model,
    modelHyperparameters: request.modelHyperparameters,
    dataset: request.dataset,
    datasetParams: request.datasetParams,
    training: request.training,
    seed: request.seed,
  });
  const atStep = new Map<number, number>();
  let parameterCount = "?";
  let failure: string | undefined;
  const started = performance.now();
  await runTrainingLoop({
    runId: `sweep-figures-${trialNumber}`,
    attempt: 1,
    config,
    emit(message) {
      if (message.type === "metrics") {
        for (const point of message.points) {
          if (point.key === "val/loss") atStep.set(point.step, point.value);
        }
      } else if (message.type === "log") {
        const built = /built: (\d+) parameters/.exec(message.message);
        if (built) parameterCount = built[1]!;
      } else if (message.type === "done" && message.outcome !== "succeeded") {
        failure = `${message.outcome}${message.error ? `: ${message.error}` : ""}`;
      }
    },
    stopRequested: () => null,
    // Checkpoints are written here (a worker would upload them); the figures only need the curves.
    spoolDir: SPOOL_DIR,
  });
  if (failure !== undefined && !failure.startsWith("diverged")) {
    throw new Error(`trial ${trialNumber} failed: ${failure}`);
  }
  for (let steps = EVAL_EVERY; steps <= MAX_STEPS; steps += EVAL_EVERY) {
    if (!atStep.has(steps)) atStep.set(steps, Number.NaN);
  }
  return { params, atStep, parameterCount, ms: performance.now() - started };
}

/** Replays a sweep on the recorded curves: the scheduler's decisions as the platform makes them. */
function replay(definition: SweepDefinition, curves: Map<string, Curve>): SimulationResult {
  return simulateSweep({
    definition,
    objective(params, steps) {
      const value = curves.get(keyOf(params))?.atStep.get(steps);
      if (value === undefined) throw new Error(`no recorded val/loss for ${keyOf(params)} at ${steps} steps`);
      return value;
    },
  });
}

/** Spearman's rank correlation of two equally long samples (average ranks for ties; NaN ranks last). */
function spearman(xs: readonly number[], ys: readonly number[]): number {
  const ranks = (v: readonly number[]): number[] => {
    const order = v.map((x, i) => [Number.isNaN(x) ? Infinity : x, i] as const).sort((a, b) => a[0] - b[0]);
    const r = new Array<number>(v.length);
    for (let i = 0; i < order.length;) {
      let j = i;
      while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
      for (let k = i; k <= j; k++) r[order[k]![1]] = (i + j) / 2;
      i = j + 1;
    }
    return r;
  };
  const [a, b] = [ranks(xs), ranks(ys)];
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const [ma, mb] = [mean(a), mean(b)];
  let [sab, saa, sbb] = [0, 0, 0];
  for (let i = 0; i < a.length; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** How many trials stopped at each rung's steps, e.g. "17@18 7@54 2@162 1@486". */
function rungCounts(result: SimulationResult): string {
  const counts = new Map<number, number>();
  for (const trial of result.trials) {
    const steps = trial.rungSteps[trial.rung]!;
    counts.set(steps, (counts.get(steps) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([steps, n]) => `${n}@${steps}`)
    .join(" ");
}

async function main(): Promise<void> {
  const backend = await initBackend({ prefer: "wasm", gpu: false });
  log("# sweep-figures");
  log();
  log(
    `${new Date().toISOString()}; node ${process.version}; tfjs backend ${backend.backend} (${backend.device}; ${backend.reason})`,
  );
  log(
    `task: lstm on adding (T=50, 256 validation samples scored whole), batch 32, Adam, run seed ${RUN_SEED}; ` +
      `search: random, sweep seed ${SWEEP_SEED}, ${TRIALS} trials over learningRate log-uniform [1e-3, 1e-1] × ` +
      `units {4, 8, 16} × clipNorm {0.25, 1, 4}; metric val/loss (minimize)`,
  );
  log(
    `ladder: η=${ETA}, rungs ${RUNGS.join(", ")} steps (Hyperband brackets ` +
      `${hyperbandBrackets({ eta: ETA, minSteps: MIN_STEPS, maxSteps: MAX_STEPS })
        .map((b) => b.join("/"))
        .join(", ")}); maxConcurrent ${MAX_CONCURRENT}; fake clock 1 per step`,
  );
  log(
    `method: each sampled config trained once straight to ${MAX_STEPS} steps by @seqlab/worker's runTrainingLoop, ` +
      `val/loss recorded every ${EVAL_EVERY} steps (every rung is a multiple); random search = best final val/loss, ${TRIALS} × ${MAX_STEPS} steps; ASHA and ` +
      `Hyperband replayed by @seqlab/sweeps simulateSweep on the recorded values (exact: promotion resumes bit for bit).`,
  );

  const curves = new Map<string, Curve>();
  const trainingStarted = performance.now();
  for (let n = 0; n < TRIALS; n++) {
    const curve = await trainStraight(n);
    curves.set(keyOf(curve.params), curve);
    progress(
      `trial #${n} of ${TRIALS} ${keyOf(curve.params)} (${curve.parameterCount} params, ` +
        `${(curve.ms / 1000).toFixed(1)} s): ${RUNGS.map((s) => `${s}:${sig(curve.atStep.get(s))}`).join(" ")}`,
    );
  }
  if (curves.size !== TRIALS) throw new Error(`${TRIALS - curves.size} sampled configs repeat another`);
  const trainingMs = performance.now() - trainingStarted;
  const diverged = [...curves.values()].filter((c) => Number.isNaN(c.atStep.get(MAX_STEPS))).length;
  log(
    `training: ${TRIALS} × ${MAX_STEPS} steps in ${(trainingMs / 1000).toFixed(0)} s ` +
      `(${(trainingMs / (TRIALS * MAX_STEPS)).toFixed(1)} ms/step with evaluation); ${diverged} diverged`,
  );

  const results = { random: replay(random, curves), asha: replay(asha, curves), hyperband: replay(hyperband, curves) };
  const finalOf = (params: TrialParameters): number => curves.get(keyOf(params))!.atStep.get(MAX_STEPS)!;
  const finals = [...curves.values()]
    .map((c) => finalOf(c.params))
    .filter((v) => !Number.isNaN(v))
    .sort((a, b) => a - b);
  const bestRandom = results.random.bestMetric!;
  const stepsRandom = results.random.stepsSpent.resume;
  const median = finals[Math.floor((finals.length - 1) / 2)]!;

  /** A replay's best trial, the steps it was judged at, and its config's rank by val/loss at max steps. */
  const summarise = (r: SimulationResult) => {
    const best = r.trials.find((t) => t.trialNumber === r.bestTrial);
    if (best === undefined || r.bestMetric === undefined) return undefined;
    const steps = best.rungSteps[best.results.findLastIndex((v) => v !== undefined && !Number.isNaN(v))]!;
    const final = finalOf(best.params);
    const rank = Number.isNaN(final) ? "diverged" : `${finals.filter((v) => v < final).length + 1} of ${finals.length}`;
    const close = steps === MAX_STEPS && r.bestMetric <= 1.1 * bestRandom;
    const cheap = r.stepsSpent.resume <= stepsRandom / 3;
    return { best, value: r.bestMetric, steps, rank, close, cheap };
  };
  const header =
    "| scheduler | best val/loss | at steps | its trial's config | that config's rank by val/loss at max steps | " +
    "steps spent | best / random's | steps / random's | trials stopped at (count@steps) |";
  const rule = "|---|---:|---:|---|---:|---:|---:|---:|---|";
  const row = (name: string, r: SimulationResult): void => {
    const s = summarise(r);
    const stepsRatio = ratio(r.stepsSpent.resume, stepsRandom);
    if (s === undefined) {
      log(`| ${name} | - | - | - | - | ${r.stepsSpent.resume} | - | ${stepsRatio} | ${rungCounts(r)} |`);
      return;
    }
    log(
      `| ${name} | ${sig(s.value)} | ${s.steps} | #${s.best.trialNumber}: ${describe(s.best.params)} | ${s.rank} | ` +
        `${r.stepsSpent.resume} | ${ratio(s.value, bestRandom)} | ${stepsRatio} | ${rungCounts(r)} |`,
    );
  };

  log();
  log(`## 1. ASHA vs random search (the same ${TRIALS} configs; median val/loss at ${MAX_STEPS} steps ${sig(median)})`);
  log();
  log(header);
  log(rule);
  row("random search (every trial to max steps)", results.random);
  row("ASHA", results.asha);
  log();
  const all = [...curves.values()];
  log(
    `Spearman rank correlation over the ${TRIALS} configs of val/loss at each earlier rung with val/loss at ` +
      `${MAX_STEPS} steps: ${RUNGS.slice(0, -1)
        .map(
          (steps) =>
            `${steps}: ${spearman(
              all.map((c) => c.atStep.get(steps)!),
              all.map((c) => finalOf(c.params)),
            ).toFixed(2)}`,
        )
        .join(", ")}`,
  );

  log();
  log("## 2. Promotion by resume vs by restart (steps of the same replays)");
  log();
  log(
    "| scheduler | promotions | steps, resume from checkpoint | steps, restart from scratch | restart / resume | saved |",
  );
  log("|---|---:|---:|---:|---:|---:|");
  for (const [name, r] of [
    ["ASHA", results.asha],
    ["Hyperband", results.hyperband],
  ] as const) {
    const promotions = r.events.filter((e) => e.kind === "promote").length;
    const { resume, restart } = r.stepsSpent;
    log(
      `| ${name} | ${promotions} | ${resume} | ${restart} | ${ratio(restart, resume)} | ${(100 * (1 - resume / restart)).toFixed(1)}% |`,
    );
  }

  log();
  log("## 3. Hyperband beside ASHA (the same ladder and recorded curves; ratios against random search)");
  log();
  log(header);
  log(rule);
  row("ASHA", results.asha);
  row("Hyperband", results.hyperband);

  const ladders = OTHER_LADDERS.map(([eta, minSteps]) => ({ eta, minSteps })).filter(
    ({ eta, minSteps }) =>
      minSteps < MAX_STEPS && ashaRungs({ eta, minSteps, maxSteps: MAX_STEPS }).every((s) => s % EVAL_EVERY === 0),
  );
  log();
  log(
    `## 4. The same replay over other ladders to ${MAX_STEPS} steps (no extra training: val/loss was recorded every ` +
      `${EVAL_EVERY} steps; target as below)`,
  );
  log();
  log(
    "| η | rungs | ASHA best (steps) | rank at max steps | steps / random's | ASHA target | Hyperband best (steps) | rank | steps / random's |",
  );
  log("|--:|---|---:|---:|---:|---|---:|---:|---:|");
  for (const { eta, minSteps } of ladders) {
    const cells = (["asha", "hyperband"] as const).map((kind) => {
      const r = replay(sweepOf({ kind, eta, minSteps, maxSteps: MAX_STEPS }), curves);
      const s = summarise(r);
      const stepsRatio = ratio(r.stepsSpent.resume, stepsRandom);
      return {
        text: s === undefined ? `- | - | ${stepsRatio}` : `${sig(s.value)} (${s.steps}) | ${s.rank} | ${stepsRatio}`,
        met: s !== undefined && s.close && s.cheap,
      };
    });
    log(
      `| ${eta} | ${ashaRungs({ eta, minSteps, maxSteps: MAX_STEPS }).join(", ")} | ${cells[0]!.text} | ` +
        `${cells[0]!.met ? "met" : "not met"} | ${cells[1]!.text} |`,
    );
  }

  /** Met when the best trial trained to max steps (a metric after fewer steps is no like-for-like comparison). */
  const verdict = (r: SimulationResult): string => {
    const s = summarise(r);
    const close = s !== undefined && s.close;
    const cheap = r.stepsSpent.resume <= stepsRandom / 3;
    const notAtMax = s !== undefined && s.steps !== MAX_STEPS ? ", and not at max steps" : "";
    const parts = [
      `best ${close ? "within" : "NOT within"} 10% of random's (${s === undefined ? "-" : ratio(s.value, bestRandom)}×${notAtMax})`,
      `steps ${cheap ? "at most" : "MORE than"} a third (${ratio(r.stepsSpent.resume, stepsRandom)}×)`,
    ];
    return `${close && cheap ? "met" : "not met"}: ${parts.join(", ")}`;
  };
  log();
  log(
    `targets (ASHA's best within 10% of random search's for at most a third of its steps): ASHA ${verdict(results.asha)}; ` +
      `Hyperband (for comparison) ${verdict(results.hyperband)}`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
