/*
 * Task-aware defaults for the launch form. Each task ships a recommended model and training settings
 * (`recommended` on its light definition); picking the task switches the form to them, and someone who had already
 * chosen their own model or settings can keep those instead.
 */
import { displayFieldValue } from "./field-validation";

/** What the form knows of a model to apply a preset: its name, heads and default hyperparameters. */
export interface PresetModel {
  name: string;
  heads: readonly string[];
  defaultParams: Record<string, unknown>;
}

/** What the form knows of a task to apply its preset. */
export interface PresetTask {
  name: string;
  title: string;
  heads: readonly string[];
  recommended: {
    model: string;
    modelHyperparameters: Record<string, unknown>;
    training: Record<string, unknown>;
    why: string;
  };
}

/** The part of the form a preset sets: the model, its hyperparameters and the training settings. */
export interface LaunchChoices {
  model: string;
  modelHyperparameters: Record<string, unknown>;
  training: Record<string, unknown>;
}

/** Whether `model` can drive one of `task`'s heads (the server's headMismatch rule). */
export function modelFits(model: PresetModel, task: Pick<PresetTask, "heads">): boolean {
  return model.heads.some((h) => task.heads.includes(h));
}

/** The models the form offers for `task`, in catalog order. */
export function modelsForTask<M extends PresetModel>(models: readonly M[], task: Pick<PresetTask, "heads">): M[] {
  return models.filter((m) => modelFits(m, task));
}

/**
 * The task's preset as form values: its model with the model's defaults under the preset's hyperparameters, and
 * the training defaults under the preset's settings. A preset naming a model the catalog lacks or that does not fit
 * (the catalog test forbids both) falls back to the first model that fits, with its defaults.
 */
export function recommendedChoices(
  task: PresetTask,
  models: readonly PresetModel[],
  trainingDefaults: Record<string, unknown>,
): LaunchChoices {
  const preset = models.find((m) => m.name === task.recommended.model && modelFits(m, task));
  const model = preset ?? modelsForTask(models, task)[0];
  return {
    model: model?.name ?? task.recommended.model,
    modelHyperparameters: {
      ...(model?.defaultParams ?? {}),
      ...(preset ? task.recommended.modelHyperparameters : {}),
    },
    training: { ...trainingDefaults, ...task.recommended.training },
  };
}

/** Form values compare as what they send: "60" typed equals 60 loaded, "1, 2" equals [1, 2]. */
function sameValue(a: unknown, b: unknown): boolean {
  const x = displayFieldValue(a);
  const y = displayFieldValue(b);
  if (x === y) return true;
  if (typeof x !== "string" || typeof y !== "string" || x.trim() === "" || y.trim() === "") return false;
  return Number.isFinite(Number(x)) && Number(x) === Number(y);
}

function sameValues(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => sameValue(a[k], b[k]));
}

/** Whether two sets of choices would launch the same model with the same settings. */
export function sameChoices(a: LaunchChoices, b: LaunchChoices): boolean {
  return (
    a.model === b.model &&
    sameValues(a.modelHyperparameters, b.modelHyperparameters) &&
    sameValues(a.training, b.training)
  );
}

/** The form after a task is picked: the preset's choices, and the user's own when they had made some. */
export interface TaskPick {
  choices: LaunchChoices;
  /** What the user had chosen when it differed from the previous task's preset (so they can keep it); else null. */
  previous: LaunchChoices | null;
}

/**
 * Picks `next`: the form switches to its preset. Choices that differ from the preset of the task picked before
 * (someone edited a field, or the form was cloned from a run) are returned as `previous` for "keep my settings".
 */
export function pickTask(
  current: LaunchChoices,
  currentTask: PresetTask | undefined,
  next: PresetTask,
  models: readonly PresetModel[],
  trainingDefaults: Record<string, unknown>,
): TaskPick {
  const edited = !currentTask || !sameChoices(current, recommendedChoices(currentTask, models, trainingDefaults));
  const choices = recommendedChoices(next, models, trainingDefaults);
  return { choices, previous: edited && !sameChoices(current, choices) ? current : null };
}

/**
 * The user's own choices on `task`, kept over its preset. Their training settings always carry over; their model
 * (and its hyperparameters) only if it fits the task, otherwise the preset's model stays and `modelKept` is false.
 */
export function keepChoices(
  previous: LaunchChoices,
  task: PresetTask,
  models: readonly PresetModel[],
  recommended: LaunchChoices,
): { choices: LaunchChoices; modelKept: boolean } {
  const model = models.find((m) => m.name === previous.model);
  if (model && modelFits(model, task)) return { choices: previous, modelKept: true };
  return {
    choices: { ...recommended, training: previous.training },
    modelKept: false,
  };
}
