import { z } from "zod";

/** Where an external run's code came from and ran, recorded by the SDK at `init`. */
export const RunEnvironment = z.object({
  /** The git checkout the script ran in; null outside one (or without git). */
  git: z
    .object({
      commit: z.string().max(64),
      branch: z.string().max(256).nullable(),
      /** Uncommitted changes to tracked files when the run started. */
      dirty: z.boolean(),
      remote: z.string().max(1024).nullable(),
    })
    .nullable(),
  /** `process.version`, e.g. "v22.11.0". */
  node: z.string().max(64),
  /** `${process.platform}-${process.arch}`. */
  platform: z.string().max(64),
  host: z.string().max(256),
  /** `process.argv`: how the script was started. */
  command: z.array(z.string().max(4096)).max(256),
  /** Working directory. */
  cwd: z.string().max(4096),
  /** Versions of the packages that matter (tfjs and its backends, seqlab's SDK, the script's dependencies). */
  packages: z.record(z.string().max(214), z.string().max(64)),
  /** TensorFlow.js backend in use when `init` ran, when tfjs was loaded. */
  tfjsBackend: z.string().max(64).nullable(),
});
export type RunEnvironment = z.infer<typeof RunEnvironment>;

/** What the run page shows of an external run besides its metrics. */
export const ExternalRunInfo = z.object({
  /** The config the script passed to `init`, as given. */
  config: z.record(z.string(), z.unknown()),
  environment: RunEnvironment.nullable(),
  /** Last points or heartbeat received (ISO time). */
  heartbeatAt: z.string().nullable(),
  totalSteps: z.number().int().nullable(),
});
export type ExternalRunInfo = z.infer<typeof ExternalRunInfo>;
