/*
 * What the launch form calls each field: a label for people, with its unit, instead of the API's camelCase key
 * (which the form still shows, small, for people who script launches). field-labels.test.ts checks that every
 * field of every catalog model, task and training setting has a label here, so a new one cannot ship as a key.
 */
import type { TrainingSettings } from "@seqlab/contracts";
import type { FieldKind, JsonSchemaProperty } from "./field-validation";

/** The parts of a launch request the form renders from a schema. */
export type FieldSection = "training" | "modelHyperparameters" | "datasetParams" | "request";

/** Every training setting, typed so that tsc fails when TrainingSettings gains one without a label. */
const TRAINING_LABELS: Record<keyof TrainingSettings, string> = {
  steps: "Steps",
  batchSize: "Batch size (samples)",
  optimizer: "Optimiser",
  learningRate: "Learning rate",
  clipNorm: "Gradient clipping (global norm)",
  evalEvery: "Validate every (steps)",
  checkpointEvery: "Checkpoint every (steps)",
  checkpointEveryMinutes: "Checkpoint every (minutes)",
  maxRestarts: "Restarts after a crash",
  trainMetricsEvery: "Training metrics every (steps)",
  validateWholeSplit: "Validate on the whole split",
  gradientFlow: "Log gradient flow",
  logPredictions: "Log sample predictions",
};

/** The request's own fields, outside the catalogs' schemas. */
const REQUEST_LABELS: Record<string, string> = {
  name: "Run name",
  seed: "Seed",
  priority: "Priority",
  queue: "Queue",
};

/** Model hyperparameters by key: the models share names (units, layers) and mean the same by them. */
const MODEL_LABELS: Record<string, string> = {
  units: "Hidden units (per direction)",
  layers: "Recurrent layers",
  dropout: "Dropout between layers (fraction)",
  recurrentActivation: "Gate activation",
  unitForgetBias: "Forget-gate bias starts at 1",
  merge: "Merge of the two directions",
  residualChannels: "Residual channels",
  skipChannels: "Skip channels",
  kernelSize: "Kernel size (taps)",
  dilations: "Dilations (comma-separated)",
  cell: "Recurrent cell",
  hiddenSize: "Hidden size (units)",
  embeddingSize: "Target embedding size",
  attention: "Attention score",
  attentionSize: "Attention size (units)",
  convChannels: "Convolution channels",
  windowWidth: "Window width (input steps)",
  windowStride: "Window stride (input steps)",
  windowFeatures: "Features per window",
  lstmUnits: "LSTM units (per direction)",
};

/** Task params by key; a task whose key means something else says so in {@link TASK_LABELS}. */
const DATASET_LABELS: Record<string, string> = {
  length: "Sequence length (steps)",
  variant: "Variant",
  trainSize: "Training samples",
  validationSize: "Validation samples",
  testSize: "Test samples",
  delay: "Delay (blank steps)",
  alphabetSize: "Alphabet size (symbols)",
  sequenceLength: "Symbols to remember",
  process: "Process",
  horizon: "Forecast horizon (steps)",
  noise: "Noise (standard deviation)",
  corpusSentences: "Corpus size (sentences)",
  fromYear: "First year",
  toYear: "Last year",
  maxValue: "Largest number",
  storyLength: "Story length (sentences)",
  questions: "Questions",
  maxLength: "Line width (character cells)",
  maxTextLength: "Longest text (characters)",
  imageHeight: "Image height (pixels)",
  maxOverlap: "Largest overlap (fraction of a cell)",
  fonts: "Fonts (comma-separated)",
  cursive: "Include script faces",
  maxSlant: "Largest slant (shear)",
  minScale: "Smallest glyph scale",
  maxScale: "Largest glyph scale",
  minStrokeWidth: "Thinnest stroke (pixels)",
  maxStrokeWidth: "Thickest stroke (pixels)",
  jitter: "Stroke wobble (pixels)",
  outputStepsHint: "Model output steps",
  minDigits: "Fewest digits",
  maxDigits: "Most digits",
  melBins: "Mel bins (features per frame)",
  speakers: "Speakers",
  minSnrDb: "Lowest SNR (dB)",
  maxSnrDb: "Highest SNR (dB)",
  imageSize: "Image size (pixels)",
  minShapes: "Fewest shapes",
  maxShapes: "Most shapes",
};

/** Where a task's key needs its own words: `${task}.${key}`. */
const TASK_LABELS: Record<string, string> = {
  "char-lm.length": "Window length (characters)",
  "time-series.length": "Observed window (steps)",
};

/** "checkpointEveryMinutes" -> "Checkpoint every minutes": the fallback for a key nobody labelled yet. */
export function humanizeKey(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[_-]+/g, " ")
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The explicit label of a field, or undefined when there is none (then {@link fieldLabel} humanizes the key). */
export function knownFieldLabel(section: FieldSection, key: string, task?: string): string | undefined {
  const own = (table: Record<string, string>): string | undefined =>
    Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
  switch (section) {
    case "training":
      return own(TRAINING_LABELS);
    case "request":
      return own(REQUEST_LABELS);
    case "modelHyperparameters":
      return own(MODEL_LABELS);
    case "datasetParams": {
      const specific = task === undefined ? undefined : TASK_LABELS[`${task}.${key}`];
      return specific ?? own(DATASET_LABELS);
    }
  }
}

/** The label the form shows for a field; `task` picks a task's own wording of a shared key ("length"). */
export function fieldLabel(section: FieldSection, key: string, task?: string): string {
  return knownFieldLabel(section, key, task) ?? humanizeKey(key);
}

/**
 * The allowed range of a number field in words, strict bounds kept strict: learningRate (> 0, at most 10) reads
 * "> 0, at most 10", never a range that includes the rejected 0. "" when the schema states no bound.
 */
export function rangeHint(p: JsonSchemaProperty): string {
  const lower =
    p.exclusiveMinimum !== undefined
      ? { text: `> ${p.exclusiveMinimum}`, strict: true }
      : p.minimum !== undefined
        ? { text: `at least ${p.minimum}`, value: p.minimum, strict: false }
        : null;
  const upper =
    p.exclusiveMaximum !== undefined
      ? { text: `< ${p.exclusiveMaximum}`, strict: true }
      : p.maximum !== undefined
        ? { text: `at most ${p.maximum}`, value: p.maximum, strict: false }
        : null;
  if (lower && upper && !lower.strict && !upper.strict) return `${p.minimum} to ${p.maximum}`;
  return [lower?.text, upper?.text].filter(Boolean).join(", ");
}

/** The help line under a field: the schema's description unless it only repeats the label, then the range. */
export function fieldHint(p: JsonSchemaProperty, label: string, kind: FieldKind): string {
  const description = p.description && p.description.toLowerCase() !== label.toLowerCase() ? p.description : "";
  const range = p.items && kind === "array" ? rangeHint(p.items) : rangeHint(p);
  const bounds = range && (kind === "array" ? `each ${range}` : kind === "integer" ? `whole number, ${range}` : range);
  return [description, bounds].filter(Boolean).join(" · ");
}
