import type { Readable } from "node:stream";

/** An object the store holds: its key (opaque to callers, kept in the database), sha256 and size in bytes. */
export interface StoredObject {
  key: string;
  sha256: string;
  size: number;
}

/** Bytes to store: a stream, or any (async) iterable of chunks. */
export type ByteSource = Readable | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/** Options of {@link ArtifactStore.put}. */
export interface PutOptions {
  /** Refuse (and store nothing) once more bytes than this arrive. */
  maxBytes?: number;
}

/**
 * Where checkpoints and media live: the database keeps their metadata (key, sha256, size), the store their bytes.
 * Every transfer is a stream, so neither the web app nor a worker ever holds a whole checkpoint in memory.
 */
export interface ArtifactStore {
  /** "fs" or "s3": recorded with each artifact, so a change of backend never misreads an older key. */
  readonly backend: "fs" | "s3";
  /** Streams `source` into the store, hashing it on the way; resolves once the object is durable. */
  put(source: ByteSource, options?: PutOptions): Promise<StoredObject>;
  /** The object's bytes as a stream; rejects with {@link ObjectMissingError} when there is no such object. */
  get(key: string): Promise<Readable>;
  /**
   * Removes the object; removing one that is already gone is not an error. With `unmodifiedSince`, an object
   * written after that moment is kept (garbage collection: the filesystem store may have just rewritten an old
   * object's name with the same bytes for a new artifact).
   */
  delete(key: string, options?: { unmodifiedSince?: Date }): Promise<void>;
  /** Every key the store holds with its last-modified time (garbage collection compares them to the database). */
  list(): AsyncIterable<{ key: string; modifiedAt: Date }>;
  /**
   * Removes uploads a crashed process left unfinished, begun before `startedBefore` (the filesystem's `tmp/` files,
   * S3's incomplete multipart uploads, which S3 keeps and bills until aborted); returns how many.
   */
  abandonIncomplete(startedBefore: Date): Promise<number>;
  /** Releases connections. */
  close(): Promise<void>;
}

/** The store has no object under the key (deleted behind seqlab's back, or a lost volume). */
export class ObjectMissingError extends Error {
  constructor(readonly key: string) {
    super(`artifact object ${key} is missing from the store`);
    this.name = "ObjectMissingError";
  }
}

/** A put refused because the source is larger than its `maxBytes`. */
export class ObjectTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`the upload is larger than ${maxBytes} bytes`);
    this.name = "ObjectTooLargeError";
  }
}
