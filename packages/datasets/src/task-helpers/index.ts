export * from "./assemble-batch";
export * from "./define-task";
export * from "./metrics";
export * from "./sample";
export * from "./split-assignment";
export * from "./task-params";
export * from "./whole-split";
export * from "./read-output";
