export * from "./connection";
export * from "./redis-url";
export * from "./queue-prefix";
export * from "./training-queue";
export * from "./run-events";
export * from "./sweep-queue";
