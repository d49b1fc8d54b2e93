export { CopyMemoryParams, copyMemoryTask } from "./copy-memory-task";
