export * from "./run-config";
export * from "./run";
export * from "./metrics";
export * from "./jobs";
export * from "./task-io";
export * from "./validation";
export * from "./attempt-policy";
export * from "./run-lifecycle";
