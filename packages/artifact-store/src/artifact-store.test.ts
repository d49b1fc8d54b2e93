import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { startS3StandIn } from "../test/s3-stand-in";
import {
  type ArtifactStore,
  CorruptObjectError,
  FsArtifactStore,
  ObjectMissingError,
  ObjectTooLargeError,
  S3ArtifactStore,
  VerifyingStream,
  artifactStoreConfigFromEnv,
  ArtifactStoreEnv,
} from "./index";

const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A source that yields `total` bytes in 1 MiB chunks without holding them all. */
function* chunks(total: number, seed: number): Generator<Uint8Array> {
  const block = Buffer.alloc(1024 * 1024, seed);
  for (let sent = 0; sent < total; sent += block.length) yield block.subarray(0, Math.min(block.length, total - sent));
}

const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

function fsStore(): FsArtifactStore {
  const root = mkdtempSync(path.join(tmpdir(), "seqlab-fs-store-"));
  roots.push(root);
  return new FsArtifactStore(root);
}

let s3: Awaited<ReturnType<typeof startS3StandIn>>;
beforeAll(async () => {
  s3 = await startS3StandIn();
});
afterAll(() => s3?.close());

const backends: [string, () => ArtifactStore][] = [
  ["filesystem", fsStore],
  [
    "S3 (s3rver)",
    () =>
      new S3ArtifactStore({
        bucket: s3.bucket,
        endpoint: s3.endpoint,
        credentials: s3.credentials,
        prefix: `t-${Math.random().toString(36).slice(2)}/`,
        // The minimum part size, so a 12 MiB object takes the multipart path (3 parts).
        partSizeBytes: 5 * 1024 * 1024,
      }),
  ],
];

describe.each(backends)("%s store", (_name, make) => {
  it("round-trips bytes with their sha256 and size", async () => {
    const store = make();
    const bytes = randomBytes(100_000);
    const put = await store.put(Readable.from([bytes]));
    expect(put).toMatchObject({ sha256: sha(bytes), size: bytes.length });
    expect(Buffer.compare(await readAll(await store.get(put.key)), bytes)).toBe(0);
    await store.close();
  });

  it("streams a multi-part object (12 MiB) and lists it", async () => {
    const store = make();
    const total = 12 * 1024 * 1024 + 3;
    const expected = createHash("sha256");
    for (const c of chunks(total, 7)) expected.update(c);
    const put = await store.put(chunks(total, 7));
    expect(put).toEqual({ key: put.key, sha256: expected.digest("hex"), size: total });
    const back = createHash("sha256");
    let size = 0;
    for await (const c of await store.get(put.key)) {
      back.update(c as Buffer);
      size += (c as Buffer).length;
    }
    expect({ sha256: back.digest("hex"), size }).toEqual({ sha256: put.sha256, size: total });
    const keys: string[] = [];
    for await (const o of store.list()) keys.push(o.key);
    expect(keys).toContain(put.key);
    await store.close();
  });

  it("refuses an upload past maxBytes and keeps nothing of it", async () => {
    const store = make();
    await expect(store.put(chunks(3 * 1024 * 1024, 1), { maxBytes: 2 * 1024 * 1024 })).rejects.toBeInstanceOf(
      ObjectTooLargeError,
    );
    const keys: string[] = [];
    for await (const o of store.list()) keys.push(o.key);
    expect(keys).toEqual([]);
    await store.close();
  });

  it("abandons incomplete uploads begun before a moment (or says it cannot list them: 0)", async () => {
    const store = make();
    await expect(store.abandonIncomplete(new Date(Date.now() - 60_000))).resolves.toBe(0);
    await store.close();
  });

  it("reports a missing object as ObjectMissingError, and delete is idempotent", async () => {
    const store = make();
    const put = await store.put(Readable.from([Buffer.from("gone soon")]));
    await store.delete(put.key);
    await store.delete(put.key);
    await expect(store.get(put.key)).rejects.toBeInstanceOf(ObjectMissingError);
    await store.close();
  });

  it("a failing source stores nothing and rejects with its error", async () => {
    const store = make();
    async function* broken() {
      yield Buffer.alloc(1024, 1);
      throw new Error("client went away");
    }
    await expect(store.put(broken())).rejects.toThrow("client went away");
    const keys: string[] = [];
    for await (const o of store.list()) keys.push(o.key);
    expect(keys).toEqual([]);
    await store.close();
  });
});

describe("filesystem store", () => {
  it("is content-addressed: the same bytes twice are one object named by their sha256", async () => {
    const store = fsStore();
    const a = await store.put(Readable.from([Buffer.from("same")]));
    const b = await store.put(Readable.from([Buffer.from("same")]));
    expect(a.key).toBe(b.key);
    expect(a.key).toBe(sha(Buffer.from("same")));
    expect(await readdir(path.join(store.root, "tmp"))).toEqual([]);
  });

  it("refuses keys that are not sha256 digests (no path traversal)", async () => {
    await expect(fsStore().get("../../etc/passwd")).rejects.toThrow("not an artifact key");
  });

  it("a corrupted object fails verification on read", async () => {
    const store = fsStore();
    const put = await store.put(Readable.from([Buffer.from("precious weights")]));
    await writeFile(path.join(store.root, "sha256", put.key.slice(0, 2), put.key), "rotten");
    const read = pipeline(await store.get(put.key), new VerifyingStream(put, "checkpoint"), async function* (src) {
      for await (const _ of src) yield _;
    });
    await expect(read).rejects.toBeInstanceOf(CorruptObjectError);
  });
});

describe("config from the environment", () => {
  it("defaults to the filesystem under the app's data directory", () => {
    expect(artifactStoreConfigFromEnv(ArtifactStoreEnv.parse({}), "/data/artifacts")).toEqual({
      backend: "fs",
      root: "/data/artifacts",
    });
  });

  it("builds an S3 config and refuses half of one", () => {
    const env = ArtifactStoreEnv.parse({
      SEQLAB_ARTIFACT_STORE: "s3",
      SEQLAB_S3_BUCKET: "ckpts",
      SEQLAB_S3_ENDPOINT: "http://minio:9000",
      SEQLAB_S3_ACCESS_KEY_ID: "k",
      SEQLAB_S3_SECRET_ACCESS_KEY: "s",
    });
    expect(artifactStoreConfigFromEnv(env, "/x")).toMatchObject({
      backend: "s3",
      bucket: "ckpts",
      endpoint: "http://minio:9000",
      credentials: { accessKeyId: "k", secretAccessKey: "s" },
    });
    expect(() => artifactStoreConfigFromEnv(ArtifactStoreEnv.parse({ SEQLAB_ARTIFACT_STORE: "s3" }), "/x")).toThrow(
      "SEQLAB_S3_BUCKET",
    );
    expect(ArtifactStoreEnv.safeParse({ SEQLAB_ARTIFACT_STORE: "ftp" }).success).toBe(false);
  });
});
