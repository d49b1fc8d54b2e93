import type { HeadKind, ModelDefinition } from "./types";

/**
 * The model called `name` in `models`; throws listing the known names when there is none. Generic over the entry
 * type so that the light definitions and the full catalog (definitions plus builders) share one lookup and one
 * error message.
 */
export function findModel<M extends ModelDefinition>(models: readonly M[], name: string): M {
  const model = models.find((m) => m.name === name);
  if (!model) throw new Error(`Unknown model "${name}". Known models: ${models.map((m) => m.name).join(", ")}`);
  return model;
}

/** The models of `models` that can drive at least one of `heads`, in their order (shared like {@link findModel}). */
export function modelsForHeads<M extends ModelDefinition>(models: readonly M[], heads: readonly HeadKind[]): M[] {
  return models.filter((m) => m.heads.some((h) => heads.includes(h)));
}

/**
 * The head a model trains on a task: the first of the task's heads that the model supports, or undefined. A
 * checkpoint does not store it: the trainer and the checkpoint exports both derive it from the model and `io` here.
 */
export function trainedHead(model: ModelDefinition, taskHeads: readonly HeadKind[]): HeadKind | undefined {
  return taskHeads.find((h) => model.heads.includes(h));
}
