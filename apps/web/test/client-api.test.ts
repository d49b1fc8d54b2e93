import { randomUUID } from "node:crypto";
import { runChannel, RUNS_CHANNEL, type RunDetail, type RunSummary } from "@seqlab/contracts";
import { createRedisConnection, TrainingQueue } from "@seqlab/queue";
import { downloadArtifact } from "../src/server/handlers/artifacts";
import {
  createExternalRun,
  finishExternalRun,
  listQueues,
  postHeartbeat,
  postPoints,
  uploadArtifact,
} from "../src/server/handlers/client-api";
import { getOpenApiDocument } from "../src/server/handlers/openapi";
import { cancelRun, getRun } from "../src/server/handlers/run";
import { launchRun, listRuns } from "../src/server/handlers/runs";
import { reapSilentExternalRuns } from "../src/server/external-run-reaper";
import {
  authedRequest,
  createKey,
  createTeam,
  createTestApp,
  createUser,
  REDIS_URL,
  type TestApp,
  type TestAuth,
} from "./harness";

jest.setTimeout(60_000);

const ENVIRONMENT = {
  git: { commit: "0123456789abcdef0123456789abcdef01234567", branch: "main", dirty: true, remote: null },
  node: "v22.0.0",
  platform: "linux-x64",
  host: "laptop",
  command: ["node", "train.js", "--lr", "0.01"],
  cwd: "/home/ada/project",
  packages: { "@tensorflow/tfjs": "4.22.0" },
  tfjsBackend: "cpu",
};

const points = (from: number, n: number, key = "train/loss") =>
  Array.from({ length: n }, (_, i) => ({ key, step: from + i, value: 1 / (from + i + 1), wallTime: Date.now() }));

/** The client API behind the SDK: external runs, idempotent point batches, heartbeats and "crashed", artifacts. */
describe("client API /api/v1 (real PostgreSQL and Redis)", () => {
  let app: TestApp;
  let key: TestAuth;
  let viewerKey: TestAuth;
  const queue = `q-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    app = await createTestApp({ limits: { launchesPerMinute: 1000 } });
    const [ada, val] = [await createUser(app), await createUser(app)];
    await createTeam(app, "lab", [
      [ada, "member"],
      [val, "viewer"],
    ]);
    key = { bearer: (await createKey(app, ada)).key };
    viewerKey = { bearer: (await createKey(app, val)).key };
  });
  afterAll(async () => {
    await new TrainingQueue({ connection: app.services.redis, queue, prefix: app.prefix }).queue.obliterate({
      force: true,
    });
    await app.close();
  });

  const call = async (
    handler: { invoke: (s: TestApp["services"], r: Request, p?: Record<string, string>) => Promise<Response> },
    method: string,
    url: string,
    body?: unknown,
    params: Record<string, string> = {},
    auth: TestAuth = key,
  ) => {
    const response = await handler.invoke(app.services, authedRequest(method, url, auth, body), params);
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as Record<string, unknown> };
  };
  const track = async (body: Record<string, unknown> = {}) => {
    const res = await call(createExternalRun, "POST", "/api/v1/external-runs", {
      project: "default",
      config: { lr: 0.01, layers: [64, 64], optimizer: { name: "adam" } },
      environment: ENVIRONMENT,
      ...body,
    });
    expect(res.status).toBe(201);
    return res.body as { run: RunSummary; url: string };
  };
  const detail = async (id: string) =>
    (await call(getRun, "GET", `/api/v1/runs/${id}`, undefined, { id })).body.run as RunDetail;

  it("creates an external run: RUNNING, marked external, its config and environment as the script gave them", async () => {
    const { run, url } = await track({ name: "my-script", tags: ["sdk"], totalSteps: 300, model: "hand-gru" });
    expect(run).toEqual(
      expect.objectContaining({ status: "RUNNING", external: true, name: "my-script", tags: ["sdk"] }),
    );
    expect(run.modelName).toBe("hand-gru");
    expect(url).toBe(`http://localhost:3000/t/lab/p/default/runs/${run.id}`);
    const d = await detail(run.id);
    expect(d.config).toBeNull();
    expect(d.externalInfo).toEqual(
      expect.objectContaining({
        config: { lr: 0.01, layers: [64, 64], optimizer: { name: "adam" } },
        environment: ENVIRONMENT,
        totalSteps: 300,
      }),
    );
    // The runs table filters on an external run's own config like on any other.
    const listed = await call(
      listRuns,
      "GET",
      `/api/v1/runs?filter=${encodeURIComponent("config.optimizer.name = adam")}&columns=config.lr`,
    );
    expect(listed.status).toBe(200);
    const rows = listed.body.runs as { id: string; values: Record<string, unknown> }[];
    expect(rows.find((r) => r.id === run.id)?.values["config.lr"]).toBe(0.01);
  });

  it("refuses bad input with a 400 naming the field, and a viewer with a 403, creating nothing", async () => {
    const before = await app.db.prisma.run.count();
    const bad = await call(createExternalRun, "POST", "/api/v1/external-runs", { project: "default", totalSteps: -1 });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.issues)).toContain("totalSteps");
    const unknown = await call(createExternalRun, "POST", "/api/v1/external-runs", { project: "nope" });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatch(/project "nope" not found/);
    const viewer = await call(
      createExternalRun,
      "POST",
      "/api/v1/external-runs",
      { project: "default" },
      {},
      viewerKey,
    );
    expect(viewer.status).toBe(403);
    expect(await app.db.prisma.run.count()).toBe(before);
  });

  it("stores a batch once however often it is sent, and pushes new points to live viewers", async () => {
    const { run } = await track();
    const subscriber = createRedisConnection(REDIS_URL);
    const heard: string[] = [];
    subscriber.on("message", (channel: string, message: string) => heard.push(`${channel} ${message}`));
    await subscriber.subscribe(runChannel(run.id), RUNS_CHANNEL);
    try {
      const batch = { batchId: "batch-0000001", points: [...points(0, 500), ...points(0, 500, "train/accuracy")] };
      const first = await call(postPoints, "POST", `/api/v1/runs/${run.id}/points`, batch, { id: run.id });
      expect(first).toEqual({ status: 200, body: { batchId: "batch-0000001", received: 1000, inserted: 1000 } });
      const again = await call(postPoints, "POST", `/api/v1/runs/${run.id}/points`, batch, { id: run.id });
      expect(again.body).toEqual({ batchId: "batch-0000001", received: 1000, inserted: 0 });
      // Overlapping a stored batch: only the new steps count.
      const overlap = { batchId: "batch-0000002", points: points(400, 200) };
      const third = await call(postPoints, "POST", `/api/v1/runs/${run.id}/points`, overlap, { id: run.id });
      expect(third.body.inserted).toBe(100);
      expect(await app.services.metrics.countPoints(run.id, "train/loss")).toBe(600);
      const summary = (await app.services.metrics.summariesOf([run.id])).get(run.id)!;
      expect(summary.find((s) => s.key === "train/loss")).toEqual(expect.objectContaining({ count: 600, step: 599 }));
      const d = await detail(run.id);
      expect(d.lastStep).toBe(599);
      expect(d.finalLoss).toBeCloseTo(1 / 600);
      await new Promise((r) => setTimeout(r, 200));
      const metricEvents = heard.filter((h) => h.startsWith(runChannel(run.id)) && h.includes('"type":"metrics"'));
      // Two batches added points; the repeated one was not pushed again.
      expect(metricEvents).toHaveLength(2);
      expect(heard.some((h) => h.startsWith(RUNS_CHANNEL) && h.includes('"type":"progress"'))).toBe(true);
    } finally {
      subscriber.disconnect();
    }
  });

  it("refuses malformed batches whole, and points for runs a worker trains", async () => {
    const { run } = await track();
    const tooMany = { batchId: "batch-toomany", points: points(0, 1001) };
    const res = await call(postPoints, "POST", `/api/v1/runs/${run.id}/points`, tooMany, { id: run.id });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.issues)).toContain("points");
    const badKey = { batchId: "batch-badkey", points: [{ key: "bad key!", step: 0, value: 1, wallTime: 0 }] };
    expect((await call(postPoints, "POST", `/api/v1/runs/${run.id}/points`, badKey, { id: run.id })).status).toBe(400);
    expect(await app.services.metrics.countPoints(run.id)).toBe(0);
    const launched = await call(launchRun, "POST", "/api/v1/runs", { model: "rnn", dataset: "adding", queue });
    const workerRun = (launched.body.run as RunSummary).id;
    const refused = await call(
      postPoints,
      "POST",
      `/api/v1/runs/${workerRun}/points`,
      { batchId: "batch-worker", points: points(0, 3) },
      { id: workerRun },
    );
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatch(/trained by a seqlab worker/);
    expect(await app.services.metrics.countPoints(workerRun)).toBe(0);
  });

  it("shows a silent run CRASHED, revives it on a heartbeat (not on synced points), and finishes it once", async () => {
    const { run } = await track();
    const subscriber = createRedisConnection(REDIS_URL);
    const statuses: string[] = [];
    subscriber.on("message", (_c: string, m: string) => {
      const e = JSON.parse(m) as { type: string; runId: string; status?: string };
      if (e.type === "status" && e.runId === run.id) statuses.push(e.status!);
    });
    await subscriber.subscribe(runChannel(run.id));
    try {
      // Still within the timeout: nothing happens.
      expect(await reapSilentExternalRuns(app.services)).not.toContain(run.id);
      await app.db.prisma.run.update({ where: { id: run.id }, data: { heartbeatAt: new Date(Date.now() - 61_000) } });
      // Two web processes reaping at once: the run is marked by one of them only.
      const [a, b] = await Promise.all([reapSilentExternalRuns(app.services), reapSilentExternalRuns(app.services)]);
      expect([...a, ...b].filter((id) => id === run.id)).toHaveLength(1);
      expect((await detail(run.id)).status).toBe("CRASHED");
      // A spool synced later stores its points but does not make the dead script look alive.
      const synced = { batchId: "batch-synced", points: points(0, 10) };
      expect(
        (await call(postPoints, "POST", `/api/v1/runs/${run.id}/points`, synced, { id: run.id })).body.inserted,
      ).toBe(10);
      expect((await detail(run.id)).status).toBe("CRASHED");
      const beat = await call(postHeartbeat, "POST", `/api/v1/runs/${run.id}/heartbeat`, undefined, { id: run.id });
      expect(beat).toEqual({ status: 200, body: { status: "RUNNING" } });
      expect((await detail(run.id)).errorReason).toBeNull();
      const cancel = await call(cancelRun, "POST", `/api/v1/runs/${run.id}/cancel`, undefined, { id: run.id });
      expect(cancel.status).toBe(409);
      expect(cancel.body.error).toMatch(/external/);
      const done = await call(
        finishExternalRun,
        "POST",
        `/api/v1/runs/${run.id}/finish`,
        { outcome: "failed", error: "NaN loss" },
        { id: run.id },
      );
      expect(done.status).toBe(200);
      expect((done.body.run as RunDetail).status).toBe("FAILED");
      expect((done.body.run as RunDetail).errorReason).toBe("NaN loss");
      const twice = await call(finishExternalRun, "POST", `/api/v1/runs/${run.id}/finish`, {}, { id: run.id });
      expect(twice.status).toBe(409);
      await new Promise((r) => setTimeout(r, 200));
      expect(statuses).toEqual(["CRASHED", "RUNNING", "FAILED"]);
    } finally {
      subscriber.disconnect();
    }
  });

  it("takes artifacts as raw bytes and serves them back with their sha256", async () => {
    const { run } = await track();
    const bytes = JSON.stringify({ weights: [0.25, -1.5, 3] });
    const url = `/api/v1/runs/${run.id}/artifacts?kind=model&name=weights.json&step=300`;
    const up = await call(uploadArtifact, "POST", url, bytes, { id: run.id });
    expect(up.status).toBe(201);
    const artifact = up.body.artifact as { id: string; sha256: string; size: number };
    expect(artifact.size).toBe(Buffer.byteLength(bytes));
    const down = await downloadArtifact.invoke(
      app.services,
      authedRequest("GET", `/api/v1/artifacts/${artifact.id}`, key),
      { id: artifact.id },
    );
    expect(down.headers.get("x-content-sha256")).toBe(artifact.sha256);
    expect(await down.text()).toBe(bytes);
    const badKind = await call(uploadArtifact, "POST", `/api/v1/runs/${run.id}/artifacts?kind=Bad!&name=x`, "x", {
      id: run.id,
    });
    expect(badKind.status).toBe(400);
    expect(JSON.stringify(badKind.body.issues)).toContain("kind");
    const empty = await call(uploadArtifact, "POST", `/api/v1/runs/${run.id}/artifacts?kind=model&name=e`, "", {
      id: run.id,
    });
    expect(empty.status).toBe(400);
    expect((await detail(run.id)).artifacts.map((a) => a.name)).toEqual(["weights.json"]);
  });

  it("lists queues with waiting and running runs", async () => {
    const res = await call(listQueues, "GET", "/api/v1/queues");
    expect(res.status).toBe(200);
    const queues = res.body.queues as { name: string; waiting: number; running: number; workers: number }[];
    // The run launched above waits in its queue; no worker serves it; external runs are in no queue.
    expect(queues.find((q) => q.name === queue)).toEqual({ name: queue, waiting: 1, running: 0, workers: 0 });
    expect(queues.some((q) => q.name === "-")).toBe(false);
  });

  it("describes itself as OpenAPI 3.1, generated from the contracts", async () => {
    const res = await call(getOpenApiDocument, "GET", "/api/v1/openapi.json", undefined, {}, null);
    expect(res.status).toBe(200);
    const doc = res.body as {
      openapi: string;
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: unknown }> } }>>;
    };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/api/v1/external-runs", "/api/v1/runs/{id}/points", "/api/v1/runs", "/api/v1/queues"]),
    );
    const batch = doc.paths["/api/v1/runs/{id}/points"]!.post!.requestBody!.content["application/json"]!.schema as {
      properties: { points: { maxItems: number } };
    };
    expect(batch.properties.points.maxItems).toBe(1000);
  });
});
