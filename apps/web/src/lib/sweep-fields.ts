/*
 * The fields "Sweep from this run" offers: the run's training settings that a sweep may vary (SWEEPABLE_TRAINING_FIELDS,
 * numeric and enum ones), and each numeric or enum hyperparameter of its model and task, with the run's value and
 * the bounds its schema states. The catalogs' JSON Schemas (describeCatalog) say which keys are integers.
 */
import {
  SWEEPABLE_TRAINING_FIELDS,
  type ResolvedRunConfig,
  type SweepFieldKind,
  type SweepValue,
} from "@seqlab/contracts";
import { fieldLabel, rangeHint, type FieldSection } from "./field-labels";
import { fieldKind, type JsonObjectSchema, type JsonSchemaProperty } from "./field-validation";

/** The part of a launch request a sweepable field lives in. */
export type SweepFieldArea = "training" | "modelHyperparameters" | "datasetParams";

/** One field of the sweep form. */
export interface SweepableField {
  /** The sweep's field path: "training.learningRate", "modelHyperparameters.units". */
  path: string;
  area: SweepFieldArea;
  key: string;
  /** What it holds, which decides the parameter kinds it takes. */
  kind: Exclude<SweepFieldKind, "boolean">;
  label: string;
  /** The allowed range in words ("> 0, at most 10"), "" when the schema states none. */
  hint: string;
  /** The run's value. */
  value: SweepValue;
  /** Bounds from the schema: inclusive `minimum`/`maximum`, and a strict lower bound (learning rate: > 0). */
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  /** The values an enum takes, in the schema's order. */
  options?: SweepValue[];
}

/** The JSON Schemas the run's config is checked against: the training settings, its model's and its task's. */
export interface SweepFieldSchemas {
  training: JsonObjectSchema;
  model: JsonObjectSchema | null;
  dataset: JsonObjectSchema | null;
}

/** A value a sweep can carry (string, number, boolean), or null for anything else (an array of dilations). */
function sweepValue(value: unknown): SweepValue | null {
  return typeof value === "string" ||
    typeof value === "boolean" ||
    (typeof value === "number" && Number.isFinite(value))
    ? value
    : null;
}

/** The kind of a catalog hyperparameter from its schema, else from the run's value; null when a sweep skips it. */
function hyperparameterKind(p: JsonSchemaProperty | undefined, value: SweepValue): SweepableField["kind"] | null {
  if (p) {
    const kind = fieldKind(p);
    if (kind === "integer") return "int";
    if (kind === "number" || kind === "enum") return kind;
    return null;
  }
  // A key the catalog no longer describes (the model changed since the run): numbers only, judged by the value.
  if (typeof value !== "number") return null;
  return Number.isInteger(value) ? "int" : "number";
}

/** The field with its schema's bounds, label and hint. */
function describe(
  area: SweepFieldArea,
  key: string,
  kind: SweepableField["kind"],
  value: SweepValue,
  p: JsonSchemaProperty | undefined,
  task: string,
): SweepableField {
  const section: FieldSection = area;
  return {
    path: `${area}.${key}`,
    area,
    key,
    kind,
    label: fieldLabel(section, key, task),
    hint: p ? rangeHint(p) : "",
    value,
    ...(p?.minimum === undefined ? {} : { minimum: p.minimum }),
    ...(p?.maximum === undefined ? {} : { maximum: p.maximum }),
    ...(p?.exclusiveMinimum === undefined ? {} : { exclusiveMinimum: p.exclusiveMinimum }),
    ...(kind === "enum" && p?.enum ? { options: p.enum.flatMap((v) => sweepValue(v) ?? []) } : {}),
  };
}

/**
 * The fields of `config` a sweep from it can vary, training settings first (in SWEEPABLE_TRAINING_FIELDS' order),
 * then the model's hyperparameters and the task's parameters in the config's order. Boolean settings (log gradient
 * flow) are left out: they change what a run logs, not how well it trains.
 */
export function sweepableFields(config: ResolvedRunConfig, schemas: SweepFieldSchemas): SweepableField[] {
  const out: SweepableField[] = [];
  const training = config.training as Record<string, unknown>;
  for (const [key, kind] of Object.entries(SWEEPABLE_TRAINING_FIELDS)) {
    if (kind === "boolean") continue;
    const value = sweepValue(training[key]);
    if (value === null) continue;
    out.push(describe("training", key, kind, value, schemas.training.properties?.[key], config.dataset));
  }
  const areas: [SweepFieldArea, Record<string, unknown>, JsonObjectSchema | null][] = [
    ["modelHyperparameters", config.modelHyperparameters, schemas.model],
    ["datasetParams", config.datasetParams, schemas.dataset],
  ];
  for (const [area, values, schema] of areas) {
    for (const [key, raw] of Object.entries(values)) {
      const value = sweepValue(raw);
      if (value === null) continue;
      const p = schema?.properties?.[key];
      const kind = hyperparameterKind(p, value);
      if (kind === null) continue;
      out.push(describe(area, key, kind, value, p, config.dataset));
    }
  }
  return out;
}
