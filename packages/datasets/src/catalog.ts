import { z } from "zod";
import { formatParamError } from "./task-helpers/task-params";
import { addingTask } from "./tasks/adding";
import { babiQaTask } from "./tasks/babi-qa";
import { captioningTask } from "./tasks/captioning";
import { charLmTask } from "./tasks/char-lm";
import { copyMemoryTask } from "./tasks/copy-memory";
import { handwritingLinesTask } from "./tasks/handwriting-lines";
import { speechDigitsTask } from "./tasks/speech-digits";
import { timeSeriesTask } from "./tasks/time-series";
import { translationDatesTask, translationNumbersTask } from "./tasks/translation";
import type { HeadKind, MetricInfo, ProblemType, TaskDefinition, TaskInstance, TaskSpec } from "./types";

/** Every task the platform can train on, in the order the dashboard lists them. */
export const taskCatalog: TaskDefinition[] = [
  addingTask,
  copyMemoryTask,
  timeSeriesTask,
  charLmTask,
  translationDatesTask,
  translationNumbersTask,
  babiQaTask,
  handwritingLinesTask,
  speechDigitsTask,
  captioningTask,
];

/** The catalog entry called `name`; throws an error listing the known names otherwise. */
export function getTask(name: string): TaskDefinition {
  const task = taskCatalog.find((entry) => entry.name === name);
  if (!task) {
    throw new Error(`unknown task "${name}"; known tasks: ${taskCatalog.map((entry) => entry.name).join(", ")}`);
  }
  return task;
}

/** Validates raw params (e.g. from a run config) against a task's schema; the error names each bad field. */
export function parseTaskParams(task: TaskDefinition, raw: unknown): Record<string, unknown> {
  const result = task.params.safeParse(raw ?? {});
  if (!result.success) throw new Error(`${task.name}: invalid params: ${formatParamError(result.error)}`);
  return result.data;
}

/** Looks up, validates and creates a task in one step: what the worker calls for a run. */
export function createTask(name: string, rawParams: unknown, seed: number): TaskInstance {
  const task = getTask(name);
  return task.create(parseTaskParams(task, rawParams), seed);
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
}

/** Describes every catalog task as JSON-serializable data. */
export function describeTasks(): TaskDescription[] {
  return taskCatalog.map((task) => {
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
    };
  });
}
