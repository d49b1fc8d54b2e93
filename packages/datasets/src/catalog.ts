import { findTask } from "./task-lookup";
import { parseTaskParams } from "./light-catalog";
import { addingTask } from "./tasks/adding";
import { babiQaTask } from "./tasks/babi-qa";
import { captioningTask } from "./tasks/captioning";
import { charLmTask } from "./tasks/char-lm";
import { copyMemoryTask } from "./tasks/copy-memory";
import { handwritingLinesTask } from "./tasks/handwriting-lines";
import { speechDigitsTask } from "./tasks/speech-digits";
import { timeSeriesTask } from "./tasks/time-series";
import { translationDatesTask, translationNumbersTask } from "./tasks/translation";
import type { TaskDefinition, TaskInstance } from "./types";

export { describeTasks, getTaskInfo, parseTaskParams, taskDefinitions, type TaskDescription } from "./light-catalog";

/**
 * Every task the platform can train on, in the order the dashboard lists them: each is its light definition (see
 * `taskDefinitions`) plus the `create` that generates its data.
 */
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
  return findTask(taskCatalog, name);
}

/** Looks up, validates and creates a task in one step: what the worker calls for a run. */
export function createTask(name: string, rawParams: unknown, seed: number): TaskInstance {
  const task = getTask(name);
  return task.create(parseTaskParams(task, rawParams), seed);
}
