export { CopyMemoryParams, copyMemoryDefinition } from "./copy-memory-definition";
export { copyMemoryTask } from "./copy-memory-task";
