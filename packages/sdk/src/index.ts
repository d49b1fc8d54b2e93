export { init, type InitOptions } from "./init";
export {
  Run,
  type ArtifactOptions,
  type FinishOptions,
  type FinishReport,
  type LogOptions,
  type RunParts,
} from "./run";
export { SeqlabInitError } from "./seqlab-init-error";
export { captureEnvironment, type CaptureEnvironmentOptions } from "./environment";
export { Credentials, credentialsPath, readCredentials, writeCredentials } from "./credentials";
export { defaultSpoolDir, resolveSettings, type ClientSettings } from "./settings";
export { syncSpool, type SyncReport, type SyncSpoolOptions } from "./sync-spool";
export { readSdkEnv, SdkEnv, type EnvSource } from "./env";
export { ClientApiClient, type ArtifactSummary } from "./client-api-client";
export { Heartbeat, type HeartbeatOptions } from "./heartbeat";
export { postToSeqlab, type HttpTarget, type PostRequest } from "./http-request";
export { PointSender, type PointSenderOptions, type SendReport } from "./point-sender";
export { Spool, type BatchCount, type DrainReport } from "./spool";
export { TransportError, type PointBatch, type Transport } from "./transport";
export { HttpTransport, type HttpTransportOptions } from "./http-transport";
