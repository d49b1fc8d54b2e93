import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { readFile, readdir, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { FsArtifactStore } from "@seqlab/artifact-store";
import { TrainingSettings, type ResolvedRunConfig } from "@seqlab/contracts";
import { createTestDatabase, type TestDatabase } from "../test-database";
import { ArtifactRepository, ProjectRepository, RunRepository } from "./index";

const config: ResolvedRunConfig = {
  model: "lstm",
  modelHyperparameters: { units: 8 },
  dataset: "adding",
  datasetParams: { length: 10 },
  training: TrainingSettings.parse({ steps: 5 }),
  seed: 7,
};

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

async function drain(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe("ArtifactRepository over the artifact store (real PostgreSQL, filesystem store)", () => {
  let db: TestDatabase;
  let runs: RunRepository;
  let projectId: string;
  let root: string;
  let store: FsArtifactStore;
  let artifacts: ArtifactRepository;

  beforeAll(async () => {
    db = await createTestDatabase();
    runs = new RunRepository(db.prisma);
    projectId = (await new ProjectRepository(db.prisma).ensureProject()).id;
  });
  beforeEach(() => {
    // A store of its own per test, so object counts and garbage collection see only this test's objects.
    root = mkdtempSync(path.join(tmpdir(), "seqlab-artifact-repo-"));
    store = new FsArtifactStore(root);
    artifacts = new ArtifactRepository(db.prisma, store);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));
  afterAll(() => db?.drop());

  const newRun = (name: string) => runs.createRun({ projectId, name, config, priority: 0, queueName: "default" });
  const objectFile = (key: string) => path.join(root, "sha256", key.slice(0, 2), key);

  it("keeps only metadata in PostgreSQL and the bytes in the store", async () => {
    const run = await newRun("meta");
    const bytes = new Uint8Array(300_000).map((_, i) => i % 251);
    const saved = await artifacts.saveArtifact({
      runId: run.id,
      kind: "checkpoint",
      name: "step-1",
      step: 1,
      source: Readable.from([Buffer.from(bytes)]),
    });
    const row = await db.prisma.artifact.findUniqueOrThrow({ where: { id: saved.id } });
    expect(row).toMatchObject({
      storage: "fs",
      storeKey: sha(bytes),
      content: null,
      size: bytes.length,
      sha256: sha(bytes),
    });
    expect(Buffer.compare(await readFile(objectFile(row.storeKey!)), Buffer.from(bytes))).toBe(0);
    const opened = await artifacts.openArtifact(saved.id);
    expect(opened).toMatchObject({ runId: run.id, kind: "checkpoint", name: "step-1", size: bytes.length });
    expect(Buffer.compare(await drain(await opened!.stream()), Buffer.from(bytes))).toBe(0);
  });

  it("fences a stale attempt: its checkpoint row is never written once another attempt owns the run", async () => {
    const run = await newRun("fenced");
    expect(await runs.startAttempt(run.id, { backend: "cpu", device: "cpu" })).toEqual({ attempt: 1 });
    const mine = await artifacts.saveAttemptArtifact({
      runId: run.id,
      kind: "checkpoint",
      name: "step-10",
      step: 10,
      attempt: 1,
      content: new Uint8Array([1]),
    });
    expect(mine.fenced).toBe(false);
    // Attempt 1's host is cut off; the run resumes as attempt 2 elsewhere.
    await db.prisma.run.update({ where: { id: run.id }, data: { attempt: 2 } });
    const stale = await artifacts.saveAttemptArtifact({
      runId: run.id,
      kind: "checkpoint",
      name: "step-20",
      step: 20,
      attempt: 1,
      content: new Uint8Array([2]),
    });
    expect(stale).toEqual({ fenced: true });
    expect((await artifacts.checkpointCandidates(run.id)).map((c) => c.name)).toEqual(["step-10"]);
    const current = await artifacts.saveAttemptArtifact({
      runId: run.id,
      kind: "checkpoint",
      name: "step-20",
      step: 20,
      attempt: 2,
      content: new Uint8Array([3]),
    });
    expect(current.fenced).toBe(false);
  });

  it("treats a missing or corrupt object like a corrupt checkpoint, and a spool file gets verified bytes", async () => {
    const run = await newRun("damaged");
    const good = await artifacts.saveArtifact({
      runId: run.id,
      kind: "checkpoint",
      name: "step-1",
      step: 1,
      content: new Uint8Array([1, 1]),
    });
    const corrupt = await artifacts.saveArtifact({
      runId: run.id,
      kind: "checkpoint",
      name: "step-2",
      step: 2,
      content: new Uint8Array([2, 2]),
    });
    const missing = await artifacts.saveArtifact({
      runId: run.id,
      kind: "checkpoint",
      name: "step-3",
      step: 3,
      content: new Uint8Array([3, 3]),
    });
    await writeFile(objectFile(corrupt.sha256), "xx");
    await rm(objectFile(missing.sha256));
    expect(await artifacts.readCheckpoint(missing.id)).toEqual({
      ok: false,
      reason: expect.stringMatching(/^its object is missing from the artifact store/),
    });
    expect(await artifacts.readCheckpoint(corrupt.id)).toEqual({
      ok: false,
      reason: expect.stringMatching(/^its bytes do not match their sha256/),
    });
    const spool = path.join(root, "spool.ckpt");
    expect(await artifacts.checkpointToFile(corrupt.id, spool)).toMatchObject({ ok: false });
    await expect(readFile(spool)).rejects.toThrow();
    expect(await artifacts.checkpointToFile(good.id, spool)).toEqual({ ok: true });
    expect([...(await readFile(spool))]).toEqual([1, 1]);
    // Media pages leave out what cannot be read, and say which.
    const unreadable: string[] = [];
    const contents = await artifacts.contentsOfKind(run.id, "checkpoint", 10, (name) => unreadable.push(name));
    expect(contents.map((c) => c.name)).toEqual(["step-1"]);
    expect(unreadable).toEqual(["step-2", "step-3"]);
  });

  it("migrates artifacts written before the store (bytes in the database) into it, readable throughout", async () => {
    const run = await newRun("legacy");
    const bytes = new Uint8Array([7, 7, 7]);
    const legacy = await db.prisma.artifact.create({
      data: { runId: run.id, kind: "checkpoint", name: "step-5", step: 5, size: 3, sha256: sha(bytes), content: bytes },
    });
    expect(legacy.storage).toBe("db");
    expect(await artifacts.readCheckpoint(legacy.id)).toEqual({ ok: true, content: bytes });
    expect(await artifacts.migrateLegacyContent()).toBeGreaterThanOrEqual(1);
    expect(await db.prisma.artifact.findUniqueOrThrow({ where: { id: legacy.id } })).toMatchObject({
      storage: "fs",
      storeKey: sha(bytes),
      content: null,
    });
    expect(await artifacts.readCheckpoint(legacy.id)).toEqual({ ok: true, content: bytes });
    expect(await artifacts.migrateLegacyContent()).toBe(0);
  });

  it("collects orphaned objects past the grace period and keeps every object a row names", async () => {
    const run = await newRun("gc");
    const kept = await artifacts.saveArtifact({
      runId: run.id,
      kind: "media",
      name: "a",
      content: new Uint8Array([1]),
    });
    // Replaced under the same name: the first object is an orphan.
    const replaced = await artifacts.saveArtifact({
      runId: run.id,
      kind: "media",
      name: "b",
      content: new Uint8Array([2]),
    });
    await artifacts.saveArtifact({ runId: run.id, kind: "media", name: "b", content: new Uint8Array([3]) });
    const fresh = await store.put(Readable.from([Buffer.from([4])]));
    const old = new Date(Date.now() - 2 * 60 * 60_000);
    for (const key of [kept.sha256, replaced.sha256, sha(new Uint8Array([3]))]) await utimes(objectFile(key), old, old);
    // An upload a crash cut short, hours ago, and one in progress now.
    const stale = path.join(root, "tmp", "crashed.part");
    await writeFile(stale, "half a checkpoint");
    await utimes(stale, old, old);
    await writeFile(path.join(root, "tmp", "uploading.part"), "in progress");
    // The unreferenced object younger than the grace period may be an upload whose row is still coming.
    expect(await artifacts.collectGarbage(60 * 60_000)).toBe(2);
    expect(await readdir(path.join(root, "tmp"))).toEqual(["uploading.part"]);
    const left = (await readdir(path.join(root, "sha256"), { recursive: true })).filter((f) => f.length > 64);
    expect(left.map((f) => path.basename(f)).sort()).toEqual([kept.sha256, sha(new Uint8Array([3])), fresh.key].sort());
  });
});
