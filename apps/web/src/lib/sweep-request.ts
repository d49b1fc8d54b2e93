/*
 * The sweep form's texts as the POST /api/sweeps body, with the problems found on the way: texts that are no
 * numbers (checked here, since an input holds text), then whatever the contract's own SweepDefinition refuses, at
 * the same dotted paths the server's 400 names ("definition.parameters.training.learningRate.min").
 */
import {
  CreateSweepRequest,
  fieldIssues,
  type FieldIssue,
  type SweepBase,
  type SweepMetric,
  type SweepParameterInput,
  type SweepValue,
} from "@seqlab/contracts";
import type { SweepableField } from "./sweep-fields";
import type { ParameterDraft, SweepFormDraft } from "./sweep-prefill";

/** What the page knows beside the form: where the sweep goes and the run it starts from. */
export interface SweepRequestContext {
  team: string;
  project: string;
  /** The source run's launch request (its config, queue and priority 0). */
  base: SweepBase;
  sourceRunId?: string;
  /** The form's fields, in its order. */
  fields: readonly SweepableField[];
}

/** The body, as it will be sent (a number the user mistyped is NaN here, null in the JSON). */
export interface BuiltSweepRequest {
  body: {
    definition: {
      name?: string;
      team: string;
      project: string;
      base: SweepBase;
      method: "random" | "grid";
      parameters: Record<string, SweepParameterInput>;
      scheduler: { kind: "none" } | { kind: "asha" | "hyperband"; eta: number; minSteps: number; maxSteps: number };
      metric: SweepMetric;
      limits: { maxTrials: number; maxConcurrent: number; stepBudget?: number };
    };
    sourceRunId?: string;
  };
  /** Every problem, by request path; empty when the body parses as a CreateSweepRequest. */
  issues: FieldIssue[];
}

/** A field's row in a 400's paths: "training.learningRate" → "definition.parameters.training.learningRate". */
export function parameterIssuePath(fieldPath: string): string {
  return `definition.parameters.${fieldPath}`;
}

/** Reads number texts, noting each that is none. */
class NumberReader {
  readonly issues: FieldIssue[] = [];

  /** The number `text` holds (NaN, with an issue at `path`, when it holds none or a fraction where `int`). */
  read(text: string, path: string, int: boolean): number {
    const t = text.trim();
    if (t === "") return this.fail(path, "is required");
    const v = Number(t);
    if (!Number.isFinite(v)) return this.fail(path, `"${t}" is not a number`);
    if (int && !Number.isInteger(v)) return this.fail(path, `must be a whole number, not ${t}`);
    return v;
  }

  fail(path: string, message: string): number {
    this.issues.push({ path, message });
    return Number.NaN;
  }
}

/** A choice's comma-separated texts as values of the field's kind (an enum's own option where one matches). */
function choiceValues(field: SweepableField, text: string, path: string, reader: NumberReader): SweepValue[] {
  const tokens = text
    .split(",")
    .map((t) => t.trim())
    .filter((t) => t !== "");
  if (tokens.length === 0) reader.fail(path, "list at least one value, separated by commas");
  return tokens.map((token, i) => {
    const option = field.options?.find((o) => String(o) === token);
    if (option !== undefined) return option;
    if (field.kind === "enum") return token;
    return reader.read(token, `${path}.${i}`, field.kind === "int");
  });
}

/** One row as a SweepParameter. */
function parameterOf(
  field: SweepableField,
  draft: ParameterDraft,
  method: SweepFormDraft["method"],
  reader: NumberReader,
): SweepParameterInput {
  const at = parameterIssuePath(field.path);
  switch (draft.kind) {
    case "choice":
      return { kind: "choice", values: choiceValues(field, draft.values, `${at}.values`, reader) };
    case "int":
      return {
        kind: "int",
        min: reader.read(draft.min, `${at}.min`, true),
        max: reader.read(draft.max, `${at}.max`, true),
        ...(draft.step.trim() === "" ? {} : { step: reader.read(draft.step, `${at}.step`, true) }),
      };
    default:
      return {
        kind: draft.kind,
        min: reader.read(draft.min, `${at}.min`, false),
        max: reader.read(draft.max, `${at}.max`, false),
        // Random search ignores gridPoints; sending it only under grid keeps the JSON to what matters.
        ...(method === "grid" ? { gridPoints: reader.read(draft.gridPoints, `${at}.gridPoints`, true) } : {}),
      };
  }
}

/** Whether `path` is `prefix` or lies under it. */
function under(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}.`);
}

/**
 * The POST /api/sweeps body from the form's draft: the ticked rows as parameters, the rest as they read. Issues
 * come from the texts first; then the contract's CreateSweepRequest is checked, leaving out what it says about a
 * field (or a parameter's row) whose text already failed: it would only repeat "expected number".
 */
export function buildSweepRequest(draft: SweepFormDraft, ctx: SweepRequestContext): BuiltSweepRequest {
  const reader = new NumberReader();
  const parameters: Record<string, SweepParameterInput> = {};
  for (const field of ctx.fields) {
    const row = draft.parameters[field.path];
    if (row?.enabled) parameters[field.path] = parameterOf(field, row, draft.method, reader);
  }
  const scheduler: BuiltSweepRequest["body"]["definition"]["scheduler"] =
    draft.scheduler.kind === "none"
      ? { kind: "none" }
      : {
          kind: draft.scheduler.kind,
          eta: reader.read(draft.scheduler.eta, "definition.scheduler.eta", true),
          minSteps: reader.read(draft.scheduler.minSteps, "definition.scheduler.minSteps", true),
          maxSteps: reader.read(draft.scheduler.maxSteps, "definition.scheduler.maxSteps", true),
        };
  const name = draft.name.trim();
  const body: BuiltSweepRequest["body"] = {
    definition: {
      ...(name === "" ? {} : { name }),
      team: ctx.team,
      project: ctx.project,
      base: ctx.base,
      method: draft.method,
      parameters,
      scheduler,
      metric: draft.metric,
      limits: {
        maxTrials: reader.read(draft.maxTrials, "definition.limits.maxTrials", true),
        maxConcurrent: reader.read(draft.maxConcurrent, "definition.limits.maxConcurrent", true),
        ...(draft.stepBudget.trim() === ""
          ? {}
          : { stepBudget: reader.read(draft.stepBudget, "definition.limits.stepBudget", true) }),
      },
    },
    ...(ctx.sourceRunId === undefined ? {} : { sourceRunId: ctx.sourceRunId }),
  };
  const local = reader.issues;
  // A row with a bad text is left to that text's message: its min-below-max rule would only compare a NaN.
  const blocked = local.map(
    (l) => ctx.fields.map((f) => parameterIssuePath(f.path)).find((row) => under(l.path, row)) ?? l.path,
  );
  const parsed = CreateSweepRequest.safeParse(body);
  const contract = parsed.success
    ? []
    : fieldIssues(parsed.error.issues).filter((issue) => !blocked.some((b) => under(issue.path, b)));
  return { body, issues: [...local, ...contract] };
}
