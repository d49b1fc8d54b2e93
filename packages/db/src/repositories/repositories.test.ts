import { writeFile } from "node:fs/promises";
import path from "node:path";
import { TrainingSettings, type ResolvedRunConfig } from "@seqlab/contracts";
import { createTestArtifactStore, createTestDatabase, type TestDatabase } from "../test-database";
import {
  ArtifactRepository,
  EventRepository,
  MetricRepository,
  ProjectRepository,
  RunRepository,
  WorkerRepository,
} from "./index";

const config: ResolvedRunConfig = {
  model: "lstm",
  modelHyperparameters: { units: 8 },
  dataset: "adding",
  datasetParams: { length: 10 },
  training: TrainingSettings.parse({ steps: 5 }),
  seed: 7,
};

describe("repositories (real PostgreSQL)", () => {
  let db: TestDatabase;
  let runs: RunRepository;
  let projectId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    runs = new RunRepository(db.prisma);
    projectId = (await new ProjectRepository(db.prisma).ensureProject()).id;
  });
  afterAll(() => db.drop());

  it("creates the default team and project once", async () => {
    const again = await new ProjectRepository(db.prisma).ensureProject();
    expect(again.id).toBe(projectId);
    expect(await db.prisma.team.count()).toBe(1);
  });

  it("lists the runs of the given teams only, newest first, narrowed by team or project, with who launched them", async () => {
    const projects = new ProjectRepository(db.prisma);
    const a = await projects.ensureProject({ teamSlug: "list-a", projectSlug: "p1" });
    const a2 = await projects.ensureProject({ teamSlug: "list-a", projectSlug: "p2" });
    const b = await projects.ensureProject({ teamSlug: "list-b", projectSlug: "p1" });
    const user = await db.prisma.user.create({ data: { id: "listuser", name: "Lister", email: "lister@example.com" } });
    const made: string[] = [];
    for (const [project, name] of [
      [a.id, "a-first"],
      [b.id, "b-only"],
      [a2.id, "a-second"],
      [a.id, "a-third"],
    ] as const) {
      const run = await runs.createRun({
        projectId: project,
        name,
        config,
        priority: 0,
        queueName: "default",
        createdById: name === "a-third" ? user.id : null,
      });
      made.push(run.id);
      await new Promise((r) => setTimeout(r, 5)); // distinct createdAt
    }
    const ofA = await runs.listRuns({ teamIds: [a.teamId] });
    expect(ofA.map((r) => r.name)).toEqual(["a-third", "a-second", "a-first"]);
    expect(ofA[0]).toMatchObject({ team: "list-a", project: "p1", createdBy: { id: "listuser", name: "Lister" } });
    expect(ofA[1]).toMatchObject({ project: "p2", createdBy: null, status: "QUEUED", lastStep: null });
    expect((await runs.listRuns({ teamIds: [a.teamId], projectSlug: "p1" })).map((r) => r.name)).toEqual([
      "a-third",
      "a-first",
    ]);
    // A slug outside the readable teams finds nothing, even though the team exists.
    expect(await runs.listRuns({ teamIds: [a.teamId], teamSlug: "list-b" })).toEqual([]);
    expect((await runs.listRuns({ teamIds: [a.teamId, b.teamId], teamSlug: "list-b" })).map((r) => r.name)).toEqual([
      "b-only",
    ]);
    expect(await runs.listRuns({ teamIds: [] })).toEqual([]);
    expect(await runs.listRuns({ teamIds: [a.teamId], limit: 1 })).toHaveLength(1);
    // The same rows as the detail route reads.
    const detail = await runs.getRunDetail(made[3]!);
    expect(ofA[0]).toEqual(expect.objectContaining({ id: detail!.id, createdAt: detail!.createdAt }));
  });

  it("lets exactly one of two racing attempts claim a run, and none after it finished", async () => {
    const run = await runs.createRun({ projectId, name: "race", config, priority: 0, queueName: "default" });
    const claims = await Promise.all([
      runs.startAttempt(run.id, { backend: "cpu", device: "cpu" }),
      runs.startAttempt(run.id, { backend: "cpu", device: "cpu" }),
    ]);
    const won = claims.filter((c) => c !== null);
    expect(won).toHaveLength(1);
    expect(won[0]!.attempt).toBe(1);
    // The loser's (stale) attempt number can no longer finish the run.
    expect(await runs.finishAttempt(run.id, 0, "FAILED", { errorReason: "stale" })).toBeNull();
    expect(await runs.finishAttempt(run.id, 1, "SUCCEEDED", { finalLoss: 0.01, lastStep: 5 })).toBe("SUCCEEDED");
    expect(await runs.startAttempt(run.id, { backend: "cpu", device: "cpu" })).toBeNull();
    const detail = await runs.getRunDetail(run.id);
    expect(detail).toMatchObject({ status: "SUCCEEDED", attempt: 1, finalLoss: 0.01, lastStep: 5, config });
  });

  it("stops claiming after maxAttempts", async () => {
    const run = await runs.createRun({
      projectId,
      name: "crashy",
      config,
      priority: 0,
      queueName: "default",
      maxAttempts: 2,
    });
    expect(await runs.startAttempt(run.id, { backend: "cpu", device: "cpu" })).toEqual({ attempt: 1 });
    expect(await runs.startAttempt(run.id, { backend: "cpu", device: "cpu" })).toEqual({ attempt: 2 });
    expect(await runs.startAttempt(run.id, { backend: "cpu", device: "cpu" })).toBeNull();
  });

  it("cancels a queued run at once and flags a running one", async () => {
    const queued = await runs.createRun({ projectId, name: "q", config, priority: 0, queueName: "default" });
    expect(await runs.requestCancel(queued.id)).toBe("cancelled");
    expect((await runs.getStatus(queued.id))?.status).toBe("CANCELLED");
    const running = await runs.createRun({ projectId, name: "r", config, priority: 0, queueName: "default" });
    await runs.startAttempt(running.id, { backend: "cpu", device: "cpu" });
    expect(await runs.requestCancel(running.id)).toBe("requested");
    expect(await runs.getStatus(running.id)).toMatchObject({ status: "RUNNING", cancelRequested: true });
    expect(await runs.requestCancel("nope")).toBe("missing");
  });

  it("writes an attempt's points only while it owns the run: a stale attempt is fenced and writes nothing", async () => {
    const run = await runs.createRun({ projectId, name: "fenced", config, priority: 0, queueName: "default" });
    const metrics = new MetricRepository(db.prisma);
    const at = (step: number) => ({ key: "train/loss", step, value: step / 10, wallTime: Date.now() });
    expect(await runs.startAttempt(run.id, { backend: "cpu", device: "cpu" })).toEqual({ attempt: 1 });
    expect(await metrics.insertAttemptPoints(run.id, 1, [at(1), at(2)])).toEqual({ inserted: 2, fenced: false });
    // The run is taken over (attempt 1's host was cut off): attempt 2 owns it now.
    expect(await runs.startAttempt(run.id, { backend: "cpu", device: "cpu" })).toEqual({ attempt: 2 });
    expect(await metrics.insertAttemptPoints(run.id, 1, [at(3), at(4)])).toEqual({ inserted: 0, fenced: true });
    // Even an empty batch tells a stale writer where it stands.
    expect(await metrics.insertAttemptPoints(run.id, 1, [])).toEqual({ inserted: 0, fenced: true });
    expect(await metrics.insertAttemptPoints(run.id, 2, [at(3)])).toEqual({ inserted: 1, fenced: false });
    expect((await metrics.listPoints(run.id)).map((p) => p.step)).toEqual([1, 2, 3]);
    const summary = (await metrics.summariesOf([run.id])).get(run.id);
    expect(summary).toMatchObject([{ key: "train/loss", step: 3, count: 3 }]);
  });

  it("never duplicates a metric point, and pages and filters points in (key, step) order", async () => {
    const run = await runs.createRun({ projectId, name: "m", config, priority: 0, queueName: "default" });
    const metrics = new MetricRepository(db.prisma);
    const t0 = Date.UTC(2026, 10, 26, 12, 0, 0, 123);
    const points = Array.from({ length: 50 }, (_, i) => ({
      key: "loss",
      step: i + 1,
      value: 1 / (i + 1),
      wallTime: t0 + i,
    }));
    expect(await metrics.insertPoints(run.id, points)).toBe(50);
    expect(await metrics.insertPoints(run.id, points.slice(10, 20))).toBe(0);
    expect(await metrics.countPoints(run.id, "loss")).toBe(50);
    const listed = await metrics.listPoints(run.id);
    // Values and wall times come back exactly as recorded (UTC, millisecond precision).
    expect(listed).toEqual(points);
    expect(await metrics.listPoints(run.id, { recordedAfter: new Date(t0 + 44) })).toEqual(points.slice(45));
    await metrics.insertPoints(run.id, [{ key: "acc", step: 3, value: 0.5, wallTime: t0 }]);
    const first = await metrics.pagePoints(run.id, { limit: 30 });
    const rest = await metrics.pagePoints(run.id, { limit: 30, after: first.at(-1)! });
    expect([...first, ...rest]).toEqual([{ key: "acc", step: 3, value: 0.5, wallTime: t0 }, ...points]);
  });

  it("stores artifacts with their sha256 and skips a corrupted newest checkpoint", async () => {
    const run = await runs.createRun({ projectId, name: "a", config, priority: 0, queueName: "default" });
    const artifacts = new ArtifactRepository(db.prisma, createTestArtifactStore());
    const first = await artifacts.saveArtifact({
      runId: run.id,
      kind: "checkpoint",
      name: "step-1",
      content: new Uint8Array([1, 2, 3]),
      step: 1,
    });
    expect(first.sha256).toBe("039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81");
    const second = await artifacts.saveArtifact({
      runId: run.id,
      kind: "checkpoint",
      name: "step-2",
      content: new Uint8Array([4, 5]),
      step: 2,
    });
    const candidates = await artifacts.checkpointCandidates(run.id);
    expect(candidates.map((c) => c.step)).toEqual([2, 1]);
    expect(await artifacts.readCheckpoint(second.id)).toEqual({ ok: true, content: new Uint8Array([4, 5]) });
    // A torn write: the object's bytes change under their name (the filesystem store names objects by sha256).
    const { storeKey } = await db.prisma.artifact.findUniqueOrThrow({ where: { id: second.id } });
    const store = createTestArtifactStore();
    await writeFile(path.join(store.root, "sha256", storeKey!.slice(0, 2), storeKey!), new Uint8Array([9, 9]));
    const torn = await artifacts.readCheckpoint(second.id);
    expect(torn).toMatchObject({ ok: false, reason: expect.stringMatching(/^its bytes do not match their sha256/) });
    expect(await artifacts.readCheckpoint(first.id)).toMatchObject({ ok: true });
    await new EventRepository(db.prisma).addEvent(run.id, { message: "hello", level: "warn", attempt: 1 });
    const detail = await runs.getRunDetail(run.id);
    expect(detail?.artifacts.map((a) => a.name)).toEqual(["step-1", "step-2"]);
    expect(detail?.events[0]).toMatchObject({ message: "hello", level: "warn", attempt: 1 });
  });

  it("links a clone to its parent and puts a cancelled run with a checkpoint back in the queue", async () => {
    const parent = await runs.createRun({ projectId, name: "parent", config, priority: 0, queueName: "default" });
    const clone = await runs.createRun({
      projectId,
      name: "clone",
      config,
      priority: 0,
      queueName: "default",
      parentRunId: parent.id,
    });
    expect((await runs.getRunDetail(clone.id))?.parent).toEqual({ id: parent.id, name: "parent" });
    expect((await runs.getRunDetail(parent.id))?.parent).toBeNull();

    // Not resumable while queued, nor once cancelled without a checkpoint.
    expect(await runs.requeueForResume(parent.id)).toBe(false);
    await runs.startAttempt(parent.id, { backend: "cpu", device: "cpu" });
    await runs.requestCancel(parent.id);
    await runs.finishAttempt(parent.id, 1, "CANCELLED", { errorReason: null, finalLoss: 0.5, lastStep: 7 });
    expect(await runs.requeueForResume(parent.id)).toBe(false);
    const artifacts = new ArtifactRepository(db.prisma, createTestArtifactStore());
    await artifacts.saveArtifact({
      runId: parent.id,
      kind: "checkpoint",
      name: "step-7",
      content: new Uint8Array([1]),
      step: 7,
    });
    expect(await runs.requeueForResume(parent.id)).toBe(true);
    const requeued = await db.prisma.run.findUniqueOrThrow({ where: { id: parent.id } });
    expect(requeued).toMatchObject({ status: "QUEUED", cancelRequested: false, finishedAt: null, attempt: 1 });
    // A fresh budget: the next attempt (2) plus maxRestarts restarts.
    expect(requeued.maxAttempts).toBe(1 + 1 + config.training.maxRestarts);
    expect(await runs.startAttempt(parent.id, { backend: "cpu", device: "cpu" })).toEqual({ attempt: 2 });
    // Twice is once: a run already queued again is not requeued.
    expect(await runs.requeueForResume(parent.id)).toBe(false);
  });

  it("reads a run's media artifacts by kind, in step order, with and without their bytes", async () => {
    const run = await runs.createRun({ projectId, name: "media", config, priority: 0, queueName: "default" });
    const artifacts = new ArtifactRepository(db.prisma, createTestArtifactStore());
    const bytes = (text: string) => new TextEncoder().encode(text);
    for (const step of [50, 25, 75]) {
      await artifacts.saveArtifact({
        runId: run.id,
        kind: "predictions",
        name: `step-${step}`,
        content: bytes(`p${step}`),
        step,
      });
    }
    // Saved again under the same name (a resumed attempt re-logging step 50): replaced, not duplicated.
    await artifacts.saveArtifact({
      runId: run.id,
      kind: "predictions",
      name: "step-50",
      content: bytes("again"),
      step: 50,
    });
    await artifacts.saveArtifact({
      runId: run.id,
      kind: "checkpoint",
      name: "step-50",
      content: bytes("ck"),
      step: 50,
    });
    expect(await artifacts.listOfKind(run.id, "predictions")).toEqual([
      { name: "step-25", step: 25 },
      { name: "step-50", step: 50 },
      { name: "step-75", step: 75 },
    ]);
    const contents = await artifacts.contentsOfKind(run.id, "predictions", 2);
    expect(contents.map((c) => new TextDecoder().decode(c.content))).toEqual(["p25", "again"]);
    expect(new TextDecoder().decode((await artifacts.contentOf(run.id, "checkpoint", "step-50"))!)).toBe("ck");
    expect(await artifacts.contentOf(run.id, "predictions", "step-99")).toBeNull();
  });

  it("closes an attempt whose worker died as lost when another attempt takes the run over", async () => {
    const workers = new WorkerRepository(db.prisma);
    const reg = { host: "h", pid: 1, backend: "cpu", device: "cpu", concurrency: 1, queues: ["default"], version: "0" };
    await workers.register({ id: "dead", ...reg });
    await workers.register({ id: "alive", ...reg });
    const run = await runs.createRun({ projectId, name: "lost", config, priority: 0, queueName: "default" });
    expect(await runs.startAttempt(run.id, { workerId: "dead", backend: "cpu", device: "cpu" })).toEqual({
      attempt: 1,
    });
    await new EventRepository(db.prisma).addEvent(run.id, {
      message: "attempt 1 started",
      attempt: 1,
      data: { kind: "attempt-start", worker: "dead", backend: "cpu", device: "cpu" },
    });
    await workers.heartbeat("dead", run.id);
    await new MetricRepository(db.prisma).insertPoints(run.id, [
      { key: "train/loss", step: 1, value: 1, wallTime: 0 },
      { key: "train/loss", step: 2, value: 1, wallTime: 0 },
    ]);
    // The dead worker never writes its attempt's end; the next attempt's claim does, once, at the persisted step.
    expect(await runs.startAttempt(run.id, { workerId: "alive", backend: "cpu", device: "cpu" })).toEqual({
      attempt: 2,
    });
    const detail = await runs.getRunDetail(run.id);
    expect(detail!.attempts[0]).toMatchObject({ attempt: 1, worker: "dead", outcome: "lost", step: 2 });
    expect(await db.prisma.worker.findUnique({ where: { id: "dead" }, select: { currentRunId: true } })).toEqual({
      currentRunId: null,
    });
    // An attempt that did end (a crash it reported) is not marked lost a second time.
    await runs.recordCrash(run.id, 2, "training process killed by SIGKILL at step 2");
    await new EventRepository(db.prisma).addEvent(run.id, {
      message: "attempt 2 crashed",
      attempt: 2,
      data: { kind: "attempt-end", outcome: "crashed", step: 2 },
    });
    await runs.startAttempt(run.id, { workerId: "alive", backend: "cpu", device: "cpu" });
    const ends = await db.prisma.runEvent.findMany({ where: { runId: run.id, attempt: 2 }, select: { data: true } });
    expect(ends.filter((e) => (e.data as { outcome?: string } | null)?.outcome === "lost")).toHaveLength(0);
  });

  it("sets lastStep to the persisted series when a run is handed back", async () => {
    const run = await runs.createRun({ projectId, name: "handback", config, priority: 0, queueName: "default" });
    await runs.startAttempt(run.id, { backend: "cpu", device: "cpu" });
    // Progress reports run ahead of persistence (they are throttled, points are batched).
    await runs.recordProgress(run.id, 1, 40, 0.5);
    await new MetricRepository(db.prisma).insertPoints(
      run.id,
      Array.from({ length: 37 }, (_, i) => ({ key: "train/loss", step: i + 1, value: 1, wallTime: 0 })),
    );
    expect(await runs.handBack(run.id, 1)).toBe(true);
    expect(await runs.getRunDetail(run.id)).toMatchObject({ status: "QUEUED", lastStep: 37, maxAttempts: 5 });
  });

  it("derives worker state from heartbeats", async () => {
    const workers = new WorkerRepository(db.prisma);
    await workers.register({
      id: "w1",
      host: "h",
      pid: 1,
      backend: "cpu",
      device: "cpu",
      concurrency: 1,
      queues: ["default"],
      version: "0",
    });
    await workers.heartbeat("w1", null);
    expect((await workers.listWorkers()).find((w) => w.id === "w1")?.state).toBe("idle");
    await db.prisma.worker.update({ where: { id: "w1" }, data: { lastHeartbeat: new Date(Date.now() - 60_000) } });
    expect((await workers.listWorkers()).find((w) => w.id === "w1")?.state).toBe("lost");
  });
});
