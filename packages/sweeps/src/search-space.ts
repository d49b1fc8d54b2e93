import {
  gridAxisSize,
  type SweepDefinition,
  type SweepParameter,
  type SweepValue,
  type TrialParameters,
} from "@seqlab/contracts";
import { seededRandom } from "./seeded-random";

/** A sweep's parameters, by field path. */
export type SweepParameters = Readonly<Record<string, SweepParameter>>;

/**
 * Significant digits kept of a grid's interior points: far finer than any hyperparameter matters, and coarse enough
 * to drop float noise, so a log grid from 1e-4 to 1e-1 shows 0.001 rather than 0.0010000000000000002.
 */
const GRID_DIGITS = 12;

/** The field paths in the order grids and samplers visit them: sorted by UTF-16 code unit, which no locale changes. */
function fieldOrder(parameters: SweepParameters): string[] {
  return Object.keys(parameters).sort();
}

function checkTrialNumber(trialNumber: number): void {
  if (!Number.isSafeInteger(trialNumber) || trialNumber < 0) {
    throw new RangeError(`trialNumber must be a non-negative integer, got ${trialNumber}`);
  }
}

/** `x` rounded to GRID_DIGITS significant digits, kept within [min, max] (rounding must not leave the range). */
function tidy(x: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Number(x.toPrecision(GRID_DIGITS))));
}

/** The `index`-th value grid search takes from one parameter (0 ≤ index < gridAxisSize). */
function axisValue(param: SweepParameter, index: number): SweepValue {
  if (param.kind === "choice") return param.values[index]!;
  if (param.kind === "int") return param.min + index * param.step;
  const count = param.gridPoints;
  if (count === undefined) throw new RangeError("a continuous range needs gridPoints for grid search");
  if (index === 0) return param.min;
  if (index === count - 1) return param.max;
  const t = index / (count - 1);
  const x =
    param.kind === "uniform"
      ? param.min + (param.max - param.min) * t
      : Math.exp(Math.log(param.min) + (Math.log(param.max) - Math.log(param.min)) * t);
  return tidy(x, param.min, param.max);
}

/**
 * The values grid search takes from one parameter, in order: a choice's values as listed; an int range from min by
 * step up to max; a continuous range's `gridPoints` values from min to max inclusive, log-spaced for log-uniform.
 * Throws a RangeError for a continuous range without gridPoints.
 */
export function axisValues(param: SweepParameter): SweepValue[] {
  const size = gridAxisSize(param);
  if (!Number.isFinite(size)) throw new RangeError("a continuous range needs gridPoints for grid search");
  return Array.from({ length: size }, (_, i) => axisValue(param, i));
}

/** How many points the full grid has: the product of the axes (Infinity when a continuous range lacks gridPoints). */
export function gridSize(parameters: SweepParameters): number {
  return fieldOrder(parameters).reduce((size, field) => size * gridAxisSize(parameters[field]!), 1);
}

/**
 * The `index`-th point of the grid, or undefined past its end. Fields are nested in sorted order, the first
 * outermost: the last sorted field varies fastest, like nested loops written in that order.
 */
export function gridPoint(parameters: SweepParameters, index: number): TrialParameters | undefined {
  checkTrialNumber(index);
  if (index >= gridSize(parameters)) return undefined;
  const fields = fieldOrder(parameters);
  const point: TrialParameters = {};
  let rest = index;
  for (let f = fields.length - 1; f >= 0; f--) {
    const param = parameters[fields[f]!]!;
    const size = gridAxisSize(param);
    point[fields[f]!] = axisValue(param, rest % size);
    rest = Math.floor(rest / size);
  }
  return Object.fromEntries(fields.map((field) => [field, point[field]!]));
}

/** The full cartesian product of the axes, in `gridPoint` order. Throws a RangeError when it is infinite. */
export function gridPoints(parameters: SweepParameters): TrialParameters[] {
  const size = gridSize(parameters);
  if (!Number.isFinite(size)) throw new RangeError("a continuous range needs gridPoints for grid search");
  return Array.from({ length: size }, (_, i) => gridPoint(parameters, i)!);
}

/** One parameter's value from a uniform draw `u` in [0, 1). */
function sampleValue(param: SweepParameter, u: number): SweepValue {
  switch (param.kind) {
    case "choice":
      return param.values[Math.min(param.values.length - 1, Math.floor(u * param.values.length))]!;
    case "int": {
      const count = gridAxisSize(param);
      return param.min + param.step * Math.min(count - 1, Math.floor(u * count));
    }
    case "uniform":
      return param.min + u * (param.max - param.min);
    case "log-uniform": {
      const log = Math.log(param.min) + u * (Math.log(param.max) - Math.log(param.min));
      return Math.min(param.max, Math.max(param.min, Math.exp(log)));
    }
  }
}

/**
 * Random search's parameters for one trial: each field drawn from its own stream, keyed by (seed, trialNumber,
 * field), so they are a pure function of those and adding a field leaves the others' values as they were.
 * Choices and int ranges are drawn uniformly over their values; log-uniform is exp(uniform(log min, log max)).
 */
export function randomTrialParameters(parameters: SweepParameters, seed: number, trialNumber: number): TrialParameters {
  checkTrialNumber(trialNumber);
  return Object.fromEntries(
    fieldOrder(parameters).map((field) => [
      field,
      sampleValue(parameters[field]!, seededRandom(seed, trialNumber, field)()),
    ]),
  );
}

/** What picks a sweep's trials. */
export type SearchPlan = Pick<SweepDefinition, "method" | "parameters" | "seed">;

/**
 * Trial `trialNumber`'s parameters: for grid search the trialNumber-th grid point (undefined past the grid's end),
 * for random search a sample. A pure function of the definition and the number.
 */
export function trialParameters(definition: SearchPlan, trialNumber: number): TrialParameters | undefined {
  return definition.method === "grid"
    ? gridPoint(definition.parameters, trialNumber)
    : randomTrialParameters(definition.parameters, definition.seed, trialNumber);
}

/** How many trials a sweep launches: the grid's size capped by maxTrials for grid search, maxTrials for random. */
export function trialCount(definition: Pick<SweepDefinition, "method" | "parameters" | "limits">): number {
  const max = definition.limits.maxTrials;
  return definition.method === "grid" ? Math.min(max, gridSize(definition.parameters)) : max;
}
