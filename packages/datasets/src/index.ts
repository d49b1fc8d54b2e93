export * from "./types";
export * from "./random";
export { createTask, describeTasks, getTask, parseTaskParams, taskCatalog, type TaskDescription } from "./catalog";
export * from "./tasks/adding";
