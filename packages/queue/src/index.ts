export * from "./connection";
export * from "./training-queue";
export * from "./run-events";
export * from "./sweep-queue";
