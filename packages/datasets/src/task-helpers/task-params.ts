import { z } from "zod";

/** Bounds shared by every task's split sizes; a larger train split only costs generation time, never memory. */
const MAX_SPLIT_SIZE = 10_000_000;

/** An integer parameter with a default and inclusive bounds, whose messages name the field. */
export function intParam(field: string, options: { default: number; min: number; max: number; description: string }) {
  return z
    .number({ error: `${field} must be a number` })
    .int({ error: `${field} must be an integer` })
    .min(options.min, { error: `${field} must be at least ${options.min}` })
    .max(options.max, { error: `${field} must be at most ${options.max}` })
    .default(options.default)
    .describe(`${options.description} (default ${options.default})`);
}

/** A real parameter with a default and inclusive bounds, whose messages name the field. */
export function numberParam(
  field: string,
  options: { default: number; min: number; max: number; description: string },
) {
  return z
    .number({ error: `${field} must be a number` })
    .min(options.min, { error: `${field} must be at least ${options.min}` })
    .max(options.max, { error: `${field} must be at most ${options.max}` })
    .default(options.default)
    .describe(`${options.description} (default ${options.default})`);
}

/** The split-size fields every task shares: `trainSize`, `validationSize`, `testSize` (each at least 1). */
export function splitSizeParams(defaults: { train: number; validation: number; test: number }) {
  return {
    trainSize: intParam("trainSize", {
      default: defaults.train,
      min: 1,
      max: MAX_SPLIT_SIZE,
      description: "Distinct training samples; batches wrap around",
    }),
    validationSize: intParam("validationSize", {
      default: defaults.validation,
      min: 1,
      max: MAX_SPLIT_SIZE,
      description: "Validation samples",
    }),
    testSize: intParam("testSize", {
      default: defaults.test,
      min: 1,
      max: MAX_SPLIT_SIZE,
      description: "Test samples",
    }),
  };
}

/** Split sizes keyed by split name, from params made with `splitSizeParams`. */
export function splitSizes(params: { trainSize: number; validationSize: number; testSize: number }) {
  return { train: params.trainSize, validation: params.validationSize, test: params.testSize };
}

/** Formats a zod error as "field: message; field: message", so a rejected run says which field to fix. */
export function formatParamError(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map(String).join(".");
      return path && !issue.message.startsWith(path) ? `${path}: ${issue.message}` : issue.message;
    })
    .join("; ");
}
