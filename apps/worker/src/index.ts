export * from "./create-worker";
export * from "./run-supervisor";
export * from "./training-loop";
export * from "./trainer-process";
export * from "./metric-writer";
export * from "./env";
