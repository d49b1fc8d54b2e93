export * from "./types";
export * from "./project-repository";
export * from "./run-repository";
export * from "./metric-repository";
export * from "./artifact-repository";
export * from "./event-repository";
export * from "./worker-repository";
export * from "./health-repository";
