export * from "./create-worker";
export * from "./train-run.handler";
export * from "./metric-writer";
export * from "./env";
