/*
 * What "Sweep from this run" proposes before anyone types: a range around each of the run's values, ASHA over the
 * run's own step count, and the metric the run logs. Every proposal stays inside the field's schema bounds, so an
 * untouched form submits.
 */
import type { SweepMetric, SweepParameter, SweepValue, TrainingSettings } from "@seqlab/contracts";
import { lowerIsBetter } from "./compare-math";
import type { SweepableField } from "./sweep-fields";

/** One field's row of the form, as the inputs hold it (text, parsed on submit). */
export interface ParameterDraft {
  /** Whether the sweep varies the field (the row's checkbox). */
  enabled: boolean;
  kind: SweepParameter["kind"];
  min: string;
  max: string;
  /** An int range's step. */
  step: string;
  /** A choice's values, comma-separated. */
  values: string;
  /** Values grid search takes from a continuous range. */
  gridPoints: string;
}

/** The scheduler part of the form. */
export interface SchedulerDraft {
  kind: "none" | "asha" | "hyperband";
  eta: string;
  minSteps: string;
  maxSteps: string;
}

/** Everything the sweep form holds, as its inputs hold it. */
export interface SweepFormDraft {
  /** The sweep's name; empty leaves it to the server. */
  name: string;
  method: "random" | "grid";
  /** Each offered field's row, by field path. */
  parameters: Record<string, ParameterDraft>;
  scheduler: SchedulerDraft;
  metric: SweepMetric;
  maxTrials: string;
  maxConcurrent: string;
  /** Optimiser steps over all trials; empty for no budget. */
  stepBudget: string;
}

/** ASHA's reduction factor by default: Li et al.'s choice, and the contract's default. */
export const DEFAULT_ETA = 3;
/** Trials by default: 27 = 3^3, so a three-rung ASHA at η 3 promotes whole trials at every rung. */
export const DEFAULT_MAX_TRIALS = 27;
/** Trials at once by default: two, leaving the team's other workers for its other runs. */
export const DEFAULT_MAX_CONCURRENT = 2;
/** Values grid search takes from a continuous range by default: both ends and the middle. */
export const DEFAULT_GRID_POINTS = 3;
/**
 * The first rung trains at least maxSteps / 81 (η⁴ at η 3): about five rungs, the depth of the ASHA paper's
 * ladders; fewer steps would judge trials on noise.
 */
const MIN_RUNG_FRACTION = 81;
/** A sweep's name is at most 120 characters, like a run's (SweepDefinition.name). */
const MAX_NAME_LENGTH = 120;
/** Appended to the run's name to name the sweep from it. */
const SWEEP_SUFFIX = "-sweep";
/** Integers from this value up are swept by halving and doubling (sizes); below it, by a small range (layers). */
const DOUBLING_FROM = 8;
/** Fields whose values span decades, proposed as a log-uniform range a decade either side. */
const LOG_SCALE_KEYS: ReadonlySet<string> = new Set(["learningRate"]);

/** The parameter kinds a field takes (those SweepDefinition accepts for it). */
export function allowedKinds(field: Pick<SweepableField, "kind">): SweepParameter["kind"][] {
  switch (field.kind) {
    case "number":
      return ["log-uniform", "uniform", "int", "choice"];
    case "int":
      return ["int", "choice"];
    default:
      return ["choice"];
  }
}

/** `v` inside the field's bounds (a strict lower bound keeps the value itself rather than crossing it). */
function clamp(field: SweepableField, v: number): number {
  let out = v;
  if (field.minimum !== undefined) out = Math.max(out, field.minimum);
  if (field.maximum !== undefined) out = Math.min(out, field.maximum);
  return out;
}

/** A number as the inputs show it: at most six significant digits, so 0.001/10 reads 0.0001 and not 0.00010000000000000002. */
export function numberText(v: number): string {
  return String(Number(v.toPrecision(6)));
}

/** The row's texts for `kind`, proposed from the run's value. */
export function proposeRange(field: SweepableField, kind: SweepParameter["kind"]): Omit<ParameterDraft, "enabled"> {
  const blank = { kind, min: "", max: "", step: "1", values: "", gridPoints: String(DEFAULT_GRID_POINTS) };
  const v = field.value;
  if (kind === "choice") {
    const values: SweepValue[] =
      field.options && field.options.length > 0
        ? field.options
        : typeof v === "number"
          ? choiceAround(field, v)
          : typeof v === "boolean"
            ? [true, false]
            : [v];
    return { ...blank, values: values.map(String).join(", ") };
  }
  if (typeof v !== "number") return blank;
  if (kind === "int") {
    const lo = Math.round(clamp(field, Math.floor(v / 2)));
    const hi = Math.round(clamp(field, Math.max(2 * v, v + 1)));
    return { ...blank, min: String(Math.min(lo, hi)), max: String(hi) };
  }
  if (kind === "log-uniform") {
    // A log range needs a positive start: a zero value (no clipping) starts the range at a thousandth of its end.
    const centre = v > 0 ? v : (field.maximum ?? 1) / 1000;
    const lo = clamp(field, centre / 10);
    const hi = clamp(field, centre * 10);
    return { ...blank, min: numberText(lo > 0 ? lo : centre), max: numberText(hi) };
  }
  // Uniform: half to twice the value; from 0 (no dropout), up to half the bound (or 1).
  const lo = v > 0 ? clamp(field, v / 2) : clamp(field, 0);
  const hi = v > 0 ? clamp(field, v * 2) : clamp(field, Math.min(field.maximum ?? 1, 0.5));
  return { ...blank, min: numberText(lo), max: numberText(hi) };
}

/** Half, the value and double (integers ≥ 8: sizes), or the value and its neighbours, inside the bounds. */
function choiceAround(field: SweepableField, v: number): number[] {
  const raw =
    field.kind === "int" ? (v >= DOUBLING_FROM ? [Math.floor(v / 2), v, 2 * v] : [v - 1, v, v + 1]) : [v / 2, v, 2 * v];
  const inside = raw.map((x) =>
    field.kind === "int" ? Math.round(clamp(field, x)) : Number(numberText(clamp(field, x))),
  );
  return [...new Set(inside)].sort((a, b) => a - b);
}

/** The kind proposed first: log-uniform for the learning rate, an int range for small integers, else a choice. */
export function defaultKind(field: SweepableField): SweepParameter["kind"] {
  if (field.kind === "enum") return "choice";
  if (field.kind === "number") return LOG_SCALE_KEYS.has(field.key) && field.value !== 0 ? "log-uniform" : "uniform";
  return typeof field.value === "number" && field.value < DOUBLING_FROM ? "int" : "choice";
}

/** A field's row as the form opens: the learning rate ticked (the one setting every sweep varies), the rest not. */
export function prefillParameter(field: SweepableField): ParameterDraft {
  return { enabled: field.path === "training.learningRate", ...proposeRange(field, defaultKind(field)) };
}

/**
 * ASHA over the run's own budget: maxSteps the run's steps, the first rung at its evalEvery (the first step with a
 * validation metric to rank by) raised to a multiple of it no smaller than maxSteps / 81; for a run too short for
 * that, a ninth of its steps (two rungs below the top).
 */
export function prefillScheduler(training: Pick<TrainingSettings, "steps" | "evalEvery">): SchedulerDraft {
  const maxSteps = Math.max(2, training.steps);
  const every = Math.max(1, training.evalEvery);
  let minSteps = Math.ceil(maxSteps / MIN_RUNG_FRACTION / every) * every;
  if (minSteps >= maxSteps) minSteps = Math.max(1, Math.floor(maxSteps / (DEFAULT_ETA * DEFAULT_ETA)));
  return { kind: "asha", eta: String(DEFAULT_ETA), minSteps: String(minSteps), maxSteps: String(maxSteps) };
}

/** Summary keys the metric select offers: the run's, without the worker's system gauges, validation keys first. */
export function metricChoices(keys: readonly string[]): string[] {
  const useful = [...new Set(keys)].filter((k) => !k.startsWith("system/"));
  const rank = (k: string) => (k.startsWith("val/") ? 0 : k.startsWith("train/") ? 2 : 1);
  const sorted = useful.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return sorted.length > 0 ? sorted : ["val/loss"];
}

/** The goal of a metric by its name: minimise losses and errors, maximise the rest (accuracies, BLEU). */
export function metricGoal(name: string): SweepMetric["goal"] {
  return lowerIsBetter(name) ? "minimize" : "maximize";
}

/** The metric proposed: "val/loss" when the run logs it (or logs nothing yet), else the first offered key. */
export function prefillMetric(keys: readonly string[]): SweepMetric {
  const choices = metricChoices(keys);
  const name = choices.includes("val/loss") ? "val/loss" : choices[0]!;
  return { name, goal: metricGoal(name) };
}

/**
 * The whole form as it opens for a run: each field's proposal, random search under ASHA over the run's steps,
 * {@link DEFAULT_MAX_TRIALS} trials {@link DEFAULT_MAX_CONCURRENT} at a time, no step budget, and the proposed metric.
 */
export function prefillDraft(
  fields: readonly SweepableField[],
  training: Pick<TrainingSettings, "steps" | "evalEvery">,
  metricKeys: readonly string[],
  runName: string,
): SweepFormDraft {
  return {
    name: `${runName.slice(0, MAX_NAME_LENGTH - SWEEP_SUFFIX.length)}${SWEEP_SUFFIX}`,
    method: "random",
    parameters: Object.fromEntries(fields.map((f) => [f.path, prefillParameter(f)])),
    scheduler: prefillScheduler(training),
    metric: prefillMetric(metricKeys),
    maxTrials: String(DEFAULT_MAX_TRIALS),
    maxConcurrent: String(DEFAULT_MAX_CONCURRENT),
    stepBudget: "",
  };
}
