import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, open, readdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  type ArtifactStore,
  type ByteSource,
  ObjectMissingError,
  type PutOptions,
  type StoredObject,
} from "./artifact-store";
import { HashingStream } from "./hashing-stream";

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * The default store: files under a directory, content-addressed by sha256 (`<root>/sha256/ab/abcd…`). Writing the
 * same bytes twice stores them once, and an object's name is its checksum, so a reader can always re-verify it.
 * An upload lands in `<root>/tmp` first and is renamed into place only once it is complete and on disk (fsync), so
 * a crash mid-write never leaves a truncated object under a valid name. Several hosts can share it over a network
 * filesystem; without one, use the S3 store.
 */
export class FsArtifactStore implements ArtifactStore {
  readonly backend = "fs" as const;
  private readonly objectsDir: string;
  private readonly tmpDir: string;

  constructor(readonly root: string) {
    this.objectsDir = path.join(root, "sha256");
    this.tmpDir = path.join(root, "tmp");
  }

  async put(source: ByteSource, options: PutOptions = {}): Promise<StoredObject> {
    await mkdir(this.tmpDir, { recursive: true });
    const tmp = path.join(this.tmpDir, `${randomUUID()}.part`);
    const hasher = new HashingStream(options.maxBytes);
    try {
      await pipeline(source instanceof Readable ? source : Readable.from(source), hasher, createWriteStream(tmp));
      const handle = await open(tmp, "r");
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      const sha256 = hasher.sha256();
      const final = this.pathOf(sha256);
      await mkdir(path.dirname(final), { recursive: true });
      // rename replaces an existing object of the same content atomically: readers see old or new, both whole.
      await rename(tmp, final);
      return { key: sha256, sha256, size: hasher.byteCount };
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
  }

  async get(key: string): Promise<Readable> {
    const file = this.pathOf(key);
    // Opened before returning, so a missing object is an error of `get`, not a later one of the stream.
    const handle = await open(file, "r").catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") throw new ObjectMissingError(key);
      throw error;
    });
    return handle.createReadStream({ autoClose: true });
  }

  async delete(key: string, options: { unmodifiedSince?: Date } = {}): Promise<void> {
    const file = this.pathOf(key);
    if (options.unmodifiedSince) {
      const info = await stat(file).catch(() => null);
      if (!info || info.mtime > options.unmodifiedSince) return;
    }
    await rm(file, { force: true });
  }

  async *list(): AsyncIterable<{ key: string; modifiedAt: Date }> {
    const shards = await readdir(this.objectsDir).catch(() => [] as string[]);
    for (const shard of shards) {
      const names = await readdir(path.join(this.objectsDir, shard)).catch(() => [] as string[]);
      for (const name of names) {
        if (!SHA256_HEX.test(name)) continue;
        const info = await stat(path.join(this.objectsDir, shard, name)).catch(() => null);
        if (info) yield { key: name, modifiedAt: info.mtime };
      }
    }
  }

  async abandonIncomplete(startedBefore: Date): Promise<number> {
    let removed = 0;
    for (const name of await readdir(this.tmpDir).catch(() => [] as string[])) {
      const file = path.join(this.tmpDir, name);
      const info = await stat(file).catch(() => null);
      if (!info || info.mtime >= startedBefore) continue;
      await rm(file, { force: true });
      removed++;
    }
    return removed;
  }

  async close(): Promise<void> {}

  /** The file of a key; keys are sha256 hex digests, so nothing else (no `..`) can name a path. */
  private pathOf(key: string): string {
    if (!SHA256_HEX.test(key)) throw new Error(`not an artifact key of the filesystem store: ${key.slice(0, 80)}`);
    return path.join(this.objectsDir, key.slice(0, 2), key);
  }
}
