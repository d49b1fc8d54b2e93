import { postPoints } from "../src/server/handlers/client-api";
import { getPrometheusMetrics } from "../src/server/handlers/operations";
import { resolveRunConfig } from "../src/server/run-service";
import { createServices, type Services } from "../src/server/services";
import {
  authedRequest,
  createKey,
  createTeam,
  createTestApp,
  createUser,
  dropQueues,
  type TestApp,
  type TestAuth,
  type TestUser,
} from "./harness";

jest.setTimeout(60_000);

/** The value of one sample in a Prometheus text exposition (`name{labels} value`), or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** Longer than the registry's snapshot lifetime (1 s), so the next scrape reads the database and queues again. */
const afterSnapshot = () => new Promise((r) => setTimeout(r, 1_100));

describe("GET /metrics (real PostgreSQL, Redis and BullMQ)", () => {
  let app: TestApp;
  let admin: TestUser;
  let member: TestUser;
  let team: { id: string; projectId: string };

  const scrape = async (auth: TestAuth, services: Services = app.services) =>
    getPrometheusMetrics.invoke(services, authedRequest("GET", "/metrics", auth));
  const scrapeText = async () => {
    const response = await scrape({ cookie: admin.cookie });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    return response.text();
  };
  const launch = async () =>
    (
      await app.services.runService.launch({
        ...resolveRunConfig({ model: "rnn", dataset: "adding", training: { steps: 1 } }),
        projectId: team.projectId,
        createdById: member.userId,
      })
    ).run.id;

  beforeAll(async () => {
    app = await createTestApp();
    admin = await createUser(app, { instanceAdmin: true });
    member = await createUser(app);
    team = await createTeam(app, "ops", [
      [admin, "owner"],
      [member, "member"],
    ]);
  });
  afterAll(async () => {
    await dropQueues(app.prefix);
    await app.close();
  });

  it("exposes queue depth and age, running runs, workers, checkpoints, streams and ingested points as they change", async () => {
    const before = await scrapeText();
    expect(sample(before, 'seqlab_queue_waiting_jobs{queue="default"}')).toBe(0);
    expect(sample(before, 'seqlab_queue_oldest_waiting_seconds{queue="default"}')).toBe(0);
    expect(sample(before, 'seqlab_runs_running{queue="default"}')).toBe(0);
    for (const state of ["idle", "busy", "lost", "stopped"])
      expect(sample(before, `seqlab_workers{state="${state}"}`)).toBe(0);
    expect(sample(before, "seqlab_checkpoint_bytes")).toBe(0);
    expect(sample(before, "seqlab_sse_connections_open")).toBe(0);
    expect(sample(before, 'seqlab_metric_points_ingested_total{source="client-api"}')).toBe(0);
    expect(before).toMatch(/^process_cpu_user_seconds_total /m);

    // Three runs queued; a worker takes the first (its job leaves the waiting set, the run is RUNNING).
    const [taken] = [await launch(), await launch(), await launch()];
    await app.services.workers.register({
      id: "metrics-worker-1",
      host: "host-a",
      pid: 1,
      backend: "wasm",
      device: "cpu",
      concurrency: 1,
      queues: ["default", "gpu"],
      version: "0",
    });
    await app.services.workers.register({
      id: "metrics-worker-2",
      host: "host-b",
      pid: 2,
      backend: "wasm",
      device: "cpu",
      concurrency: 1,
      queues: ["default"],
      version: "0",
    });
    await app.services.queueFor("default").queue.remove(taken!);
    expect(
      await app.services.runs.startAttempt(taken!, { workerId: "metrics-worker-1", backend: "wasm", device: "cpu" }),
    ).toEqual({ attempt: expect.any(Number) });
    await app.services.workers.heartbeat("metrics-worker-1", taken!);
    await app.services.workers.markStopped("metrics-worker-2");
    await app.services.artifacts.saveArtifact({
      runId: taken!,
      kind: "checkpoint",
      name: "step-1",
      content: new Uint8Array(1500),
      step: 1,
    });
    await app.services.artifacts.saveArtifact({ runId: taken!, kind: "model", name: "m", content: new Uint8Array(99) });
    const stream = app.services.streams.open(admin.userId);
    expect(stream.ok).toBe(true);
    const external = await app.services.runs.createExternalRun({
      projectId: team.projectId,
      createdById: member.userId,
      name: "script",
      config: {},
    });
    const batch = {
      batchId: "metrics-batch-01",
      points: Array.from({ length: 7 }, (_, step) => ({ key: "train/loss", step, value: 1, wallTime: Date.now() })),
    };
    const post = () =>
      postPoints.invoke(
        app.services,
        authedRequest("POST", `/api/v1/runs/${external.id}/points`, { cookie: member.cookie }, batch),
        { id: external.id },
      );
    expect((await post()).status).toBe(200);
    // The same batch again stores nothing, and counts nothing.
    expect((await post()).status).toBe(200);
    await afterSnapshot();

    const after = await scrapeText();
    expect(sample(after, 'seqlab_queue_waiting_jobs{queue="default"}')).toBe(2);
    expect(sample(after, 'seqlab_queue_oldest_waiting_seconds{queue="default"}')).toBeGreaterThan(1);
    expect(sample(after, 'seqlab_runs_running{queue="default"}')).toBe(1);
    // A queue a worker has served is exported (as 0) though no run uses it.
    expect(sample(after, 'seqlab_queue_waiting_jobs{queue="gpu"}')).toBe(0);
    expect(sample(after, 'seqlab_runs_running{queue="gpu"}')).toBe(0);
    expect(sample(after, 'seqlab_workers{state="busy"}')).toBe(1);
    expect(sample(after, 'seqlab_workers{state="stopped"}')).toBe(1);
    expect(sample(after, 'seqlab_workers{state="idle"}')).toBe(0);
    expect(sample(after, "seqlab_checkpoint_bytes")).toBe(1500);
    expect(sample(after, "seqlab_sse_connections_open")).toBe(1);
    expect(sample(after, 'seqlab_metric_points_ingested_total{source="client-api"}')).toBe(7);

    if (stream.ok) stream.release();
    expect(sample(await scrapeText(), "seqlab_sse_connections_open")).toBe(0);
  });

  it("is for instance admins, or a scraper with SEQLAB_METRICS_TOKEN compared in full", async () => {
    const keyOfAdmin = { bearer: (await createKey(app, admin)).key };
    expect((await scrape(keyOfAdmin)).status).toBe(200);
    const anonymous = await scrape(null);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: string }).error).toMatch(/sign in/);
    const denied = await scrape({ cookie: member.cookie });
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { error: string }).error).toMatch(/SEQLAB_METRICS_TOKEN/);
    // No token configured: a bearer is an API key, and a made-up one is not valid.
    expect((await scrape({ bearer: "x".repeat(32) })).status).toBe(401);

    const token = "metrics-token-0123456789abcdef";
    const withToken = createServices({ ...app.config, metricsToken: token });
    try {
      const scraped = await scrape({ bearer: token }, withToken);
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toMatch(/^seqlab_queue_waiting_jobs\{queue="default"\} \d+$/m);
      expect((await scrape({ bearer: `${token}x` }, withToken)).status).toBe(401);
      expect((await scrape({ bearer: token.slice(0, -1) }, withToken)).status).toBe(401);
      expect((await scrape({ cookie: member.cookie }, withToken)).status).toBe(403);
      expect((await scrape({ cookie: admin.cookie }, withToken)).status).toBe(200);
    } finally {
      await withToken.close();
    }
  });
});
