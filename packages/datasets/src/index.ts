export * from "./types";
export * from "./random";
export {
  createTask,
  describeTasks,
  getTask,
  getTaskInfo,
  parseTaskParams,
  taskCatalog,
  taskDefinitions,
  type TaskDescription,
} from "./catalog";
export * from "./tasks/adding";
export * from "./tasks/babi-qa";
export * from "./tasks/captioning";
export * from "./tasks/char-lm";
export * from "./tasks/copy-memory";
export * from "./tasks/handwriting-lines";
export * from "./tasks/speech-digits";
export * from "./tasks/time-series";
export * from "./tasks/translation";
export {
  assembleBatch,
  BASELINE_SAMPLE_LIMIT,
  classScores,
  defineTask,
  drawForSplit,
  scoreWholeSplit,
  argmaxPath,
  attentionMatrix,
  classLabel,
  ctcGreedy,
  sampleClass,
  untilEnd,
  regressionScores,
  splitOfContent,
  SPLIT_NAMES,
  type Sample,
  type SampleSource,
  type SequenceData,
  type TaskRecipe,
  type TaskSetup,
} from "./task-helpers";
