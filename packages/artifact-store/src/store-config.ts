import path from "node:path";
import { z } from "zod";
import type { ArtifactStore } from "./artifact-store";
import { FsArtifactStore } from "./fs-store";
import { S3ArtifactStore } from "./s3-store";

/** Which store a process writes artifacts to, and how to reach it. */
export const ArtifactStoreConfig = z.discriminatedUnion("backend", [
  z.object({ backend: z.literal("fs"), root: z.string().min(1) }),
  z.object({
    backend: z.literal("s3"),
    bucket: z.string().min(3).max(63),
    prefix: z.string().max(512).optional(),
    region: z.string().min(1).optional(),
    endpoint: z.string().url().optional(),
    forcePathStyle: z.boolean().optional(),
    credentials: z.object({ accessKeyId: z.string().min(1), secretAccessKey: z.string().min(1) }).optional(),
  }),
]);
export type ArtifactStoreConfig = z.infer<typeof ArtifactStoreConfig>;

/**
 * The environment variables of the store, for each app's env.ts to merge into its own schema (the apps parse the
 * environment; this package never reads it).
 */
export const ArtifactStoreEnv = z.object({
  /** "fs" (default): files under SEQLAB_ARTIFACT_DIR. "s3": an S3-compatible bucket, for hosts without a shared disk. */
  SEQLAB_ARTIFACT_STORE: z.enum(["fs", "s3"]).default("fs"),
  /** Root of the filesystem store; every web and worker process of one install must see the same directory. */
  SEQLAB_ARTIFACT_DIR: z.string().min(1).optional(),
  SEQLAB_S3_BUCKET: z.string().min(3).max(63).optional(),
  SEQLAB_S3_PREFIX: z.string().max(512).optional(),
  SEQLAB_S3_REGION: z.string().min(1).optional(),
  /** An S3-compatible server's URL (MinIO, Ceph, R2); unset for AWS. Path-style addressing follows from it. */
  SEQLAB_S3_ENDPOINT: z.string().url().optional(),
  SEQLAB_S3_FORCE_PATH_STYLE: z.enum(["true", "false"]).optional(),
  /** Explicit keys; unset, the AWS SDK's default chain applies (AWS_ACCESS_KEY_ID..., a profile, an instance role). */
  SEQLAB_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  SEQLAB_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
});
export type ArtifactStoreEnv = z.infer<typeof ArtifactStoreEnv>;

/**
 * The store config from parsed environment variables. `defaultDir` is the filesystem root when SEQLAB_ARTIFACT_DIR
 * is unset (the app's data directory). Throws one clear line for a half-configured S3 store.
 */
export function artifactStoreConfigFromEnv(env: ArtifactStoreEnv, defaultDir: string): ArtifactStoreConfig {
  if (env.SEQLAB_ARTIFACT_STORE === "fs")
    return { backend: "fs", root: path.resolve(env.SEQLAB_ARTIFACT_DIR ?? defaultDir) };
  if (!env.SEQLAB_S3_BUCKET) throw new Error("SEQLAB_ARTIFACT_STORE=s3 needs SEQLAB_S3_BUCKET");
  if (Boolean(env.SEQLAB_S3_ACCESS_KEY_ID) !== Boolean(env.SEQLAB_S3_SECRET_ACCESS_KEY))
    throw new Error("set both SEQLAB_S3_ACCESS_KEY_ID and SEQLAB_S3_SECRET_ACCESS_KEY, or neither");
  return {
    backend: "s3",
    bucket: env.SEQLAB_S3_BUCKET,
    ...(env.SEQLAB_S3_PREFIX ? { prefix: env.SEQLAB_S3_PREFIX } : {}),
    ...(env.SEQLAB_S3_REGION ? { region: env.SEQLAB_S3_REGION } : {}),
    ...(env.SEQLAB_S3_ENDPOINT ? { endpoint: env.SEQLAB_S3_ENDPOINT } : {}),
    ...(env.SEQLAB_S3_FORCE_PATH_STYLE ? { forcePathStyle: env.SEQLAB_S3_FORCE_PATH_STYLE === "true" } : {}),
    ...(env.SEQLAB_S3_ACCESS_KEY_ID && env.SEQLAB_S3_SECRET_ACCESS_KEY
      ? {
          credentials: {
            accessKeyId: env.SEQLAB_S3_ACCESS_KEY_ID,
            secretAccessKey: env.SEQLAB_S3_SECRET_ACCESS_KEY,
          },
        }
      : {}),
  };
}

/** Builds the store a config names. */
export function createArtifactStore(config: ArtifactStoreConfig): ArtifactStore {
  return config.backend === "fs" ? new FsArtifactStore(config.root) : new S3ArtifactStore(config);
}
