export {
  type ArtifactStore,
  type ByteSource,
  ObjectMissingError,
  ObjectTooLargeError,
  type PutOptions,
  type StoredObject,
} from "./artifact-store";
export { CorruptObjectError, HashingStream, VerifyingStream } from "./hashing-stream";
export { FsArtifactStore } from "./fs-store";
export { S3ArtifactStore, type S3StoreConfig } from "./s3-store";
export { ArtifactStoreConfig, ArtifactStoreEnv, artifactStoreConfigFromEnv, createArtifactStore } from "./store-config";
