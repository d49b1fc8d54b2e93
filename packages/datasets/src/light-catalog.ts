/*
 * The light catalog, `@seqlab/datasets/catalog`: everything the dashboard needs to list tasks, render the launch
 * form and validate a launch request. It imports each task's definition file only (zod schemas, specs, constant
 * tables), never the generators, renderers, fonts or synthesizers; `light-catalog.test.ts` checks that.
 */
import { z } from "zod";
import { findTask } from "./task-lookup";
import { formatParamError } from "./task-helpers/task-params";
import { addingDefinition } from "./tasks/adding/adding-definition";
import { babiQaDefinition } from "./tasks/babi-qa/babi-qa-definition";
import { captioningDefinition } from "./tasks/captioning/captioning-definition";
import { charLmDefinition } from "./tasks/char-lm/char-lm-definition";
import { copyMemoryDefinition } from "./tasks/copy-memory/copy-memory-definition";
import { handwritingLinesDefinition } from "./tasks/handwriting-lines/handwriting-lines-definition";
import { speechDigitsDefinition } from "./tasks/speech-digits/speech-digits-definition";
import { timeSeriesDefinition } from "./tasks/time-series/time-series-definition";
import { translationDatesDefinition } from "./tasks/translation/translation-dates-definition";
import { translationNumbersDefinition } from "./tasks/translation/translation-numbers-definition";
import type { HeadKind, MetricInfo, ProblemType, TaskInfo, TaskRecommendation, TaskSpec } from "./types";

export type { HeadKind, MetricInfo, ProblemType, TaskInfo, TaskRecommendation, TaskSpec };

/**
 * Every task's light definition, in the order the dashboard lists them (the full `taskCatalog` follows the same
 * order): name, texts, params schema, metric, recommended preset and `specFor`, without `create`.
 */
export const taskDefinitions: TaskInfo[] = [
  addingDefinition,
  copyMemoryDefinition,
  timeSeriesDefinition,
  charLmDefinition,
  translationDatesDefinition,
  translationNumbersDefinition,
  babiQaDefinition,
  handwritingLinesDefinition,
  speechDigitsDefinition,
  captioningDefinition,
];

/** The light definition called `name`; throws an error listing the known names otherwise (as `getTask` does). */
export function getTaskInfo(name: string): TaskInfo {
  return findTask(taskDefinitions, name);
}

/** Validates raw params (e.g. from a run config) against a task's schema; the error names each bad field. */
export function parseTaskParams(task: TaskInfo, raw: unknown): Record<string, unknown> {
  const result = task.params.safeParse(raw ?? {});
  if (!result.success) throw new Error(`${task.name}: invalid params: ${formatParamError(result.error)}`);
  return result.data;
}

/** A catalog entry as plain JSON, for the dashboard's task picker and the API. */
export interface TaskDescription {
  name: string;
  title: string;
  description: string;
  problemType: ProblemType;
  /** JSON Schema (draft 2020-12) of the params as the user writes them: fields with defaults are optional. */
  params: Record<string, unknown>;
  /** Params with every default filled in. */
  defaultParams: Record<string, unknown>;
  metric: MetricInfo;
  /** Spec for the default params: input and output shapes. */
  defaultSpec: TaskSpec;
  heads: HeadKind[];
  /** The model and training settings the launch form switches to when the task is picked. */
  recommended: TaskRecommendation;
}

/** Describes every catalog task as JSON-serializable data. */
export function describeTasks(): TaskDescription[] {
  return taskDefinitions.map((task) => {
    const defaultParams = task.params.parse({});
    const defaultSpec = task.specFor(defaultParams);
    return {
      name: task.name,
      title: task.title,
      description: task.description,
      problemType: task.problemType,
      params: z.toJSONSchema(task.params, { io: "input" }) as Record<string, unknown>,
      defaultParams,
      metric: task.metric,
      defaultSpec,
      heads: defaultSpec.heads,
      recommended: task.recommended,
    };
  });
}
