// The CLI as a library: the end-to-end tests (and anything embedding it) run commands in-process.
export { buildProgram, type BuiltProgram } from "./program";
export { runCli, reportError } from "./run-cli";
export type { CliIo, OutputStream, RepoScript } from "./cli-io";
export { CliEnv, parseCliEnv } from "./env";
export { createNodeIo } from "./node-io";
export { ApiClient, ApiError, type ApiClientOptions } from "./api-client";
