/**
 * Issue 2 figures, each side by side with a baseline measured in the same run:
 *  A. POST /api/runs (over HTTP, to the real web server) -> the worker starting the job (claiming the attempt),
 *     median of 20 with an idle worker, against a bare BullMQ add -> processor-start round trip on the same Redis.
 *  B. The worker recording a metric point -> the browser receiving it over SSE (median and p95 of 200),
 *     against a page polling the metrics endpoint every second (MLflow polls every 10-30 s; 1 s is generous).
 *
 * Needs PostgreSQL (TEST_DATABASE_URL), Redis (TEST_REDIS_URL), Chromium and a production build of apps/web.
 * Run: npx tsx bench/platform-latency.ts
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import net from "node:net";
import path from "node:path";
import { Queue, QueueEvents, Worker } from "bullmq";
import { launchChromium } from "@seqlab/launcher/browser";
import { MetricRepository, ProjectRepository, RunRepository } from "@seqlab/db";
import { createTestDatabase, testArtifactStoreConfig } from "@seqlab/db/testing";
import { createRedisConnection, subscribeRunEvents } from "@seqlab/queue";
import { createWorker, MetricWriter } from "@seqlab/worker";
import { TrainingSettings } from "@seqlab/contracts";
import { HEADLESS_ADMIN, signIn } from "@seqlab/launcher/signed-in-client";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const ROOT = path.resolve(__dirname, "..");

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
const median = (v: number[]) => quantile(v, 0.5);
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function main(): Promise<void> {
  const db = await createTestDatabase();
  const prefix = `bench-${randomUUID()}`;
  const redis = createRedisConnection(REDIS_URL);
  const port = await freePort();
  const web = spawn(process.execPath, ["apps/web/server.mjs"], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_URL: db.url,
      REDIS_URL,
      SEQLAB_QUEUE_PREFIX: prefix,
      SEQLAB_URL: `http://127.0.0.1:${port}`,
      SEQLAB_AUTH_SECRET: randomUUID() + randomUUID(),
      SEQLAB_ADMIN_EMAIL: HEADLESS_ADMIN.email,
      SEQLAB_ADMIN_PASSWORD: HEADLESS_ADMIN.password,
    },
    stdio: "ignore",
  });
  const base = `http://127.0.0.1:${port}`;
  for (
    let i = 0;
    i < 200 &&
    !(await fetch(`${base}/api/health`).then(
      (r) => r.ok,
      () => false,
    ));
    i++
  )
    await new Promise((r) => setTimeout(r, 250));
  // Every route needs a signed-in caller: the headless admin, owner of the first team.
  const client = await signIn(base);
  const team = await db.prisma.team.findFirstOrThrow({ orderBy: { createdAt: "asc" } });

  // ---- A. launch -> start
  const worker = await createWorker({
    prisma: db.prisma,
    artifactStore: testArtifactStoreConfig(),
    redisUrl: REDIS_URL,
    queues: ["default"],
    prefix,
    backend: "cpu",
    log: () => undefined,
  });
  const runs = new RunRepository(db.prisma);
  const ours: number[] = [];
  for (let i = 0; i < 21; i++) {
    const sub = createRedisConnection(REDIS_URL);
    let started = 0;
    let id = "";
    const seen = new Promise<void>((resolve) => {
      void subscribeRunEvents(sub, null, (e) => {
        if (e.type === "status" && e.status === "RUNNING" && e.runId === id) {
          started = performance.now();
          resolve();
        }
      });
    });
    await new Promise((r) => setTimeout(r, 50));
    const t0 = performance.now();
    const res = await client.fetch("/api/runs", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "rnn",
        dataset: "adding",
        modelHyperparameters: { units: 4 },
        datasetParams: { length: 5 },
        training: { steps: 1, batchSize: 2 },
      }),
    });
    id = ((await res.json()) as { run: { id: string } }).run.id;
    await seen;
    if (i > 0) ours.push(started - t0); // the first includes JIT warm-up of the route
    for (;;) {
      const s = await runs.getStatus(id);
      if (s && s.status !== "QUEUED" && s.status !== "RUNNING") break;
      await new Promise((r) => setTimeout(r, 20));
    }
    // The worker re-spawns its warm training process after each job: wait until it is idle again.
    await new Promise((r) => setTimeout(r, 2500));
    sub.disconnect();
  }
  await worker.close();

  const bareName = `bare-${randomUUID()}`;
  const bareQueue = new Queue(bareName, { connection: createRedisConnection(REDIS_URL), prefix });
  let resolveStart: (t: number) => void = () => undefined;
  const bareWorker = new Worker(bareName, async () => resolveStart(performance.now()), {
    connection: createRedisConnection(REDIS_URL),
    prefix,
  });
  await bareWorker.waitUntilReady();
  const bare: number[] = [];
  for (let i = 0; i < 21; i++) {
    const started = new Promise<number>((r) => (resolveStart = r));
    await new Promise((r) => setTimeout(r, 50));
    const t0 = performance.now();
    await bareQueue.add("x", { i });
    const t = await started;
    if (i > 0) bare.push(t - t0);
  }
  await bareWorker.close();
  await bareQueue.obliterate({ force: true });
  await bareQueue.close();

  // ---- B. metric -> browser
  const project = await new ProjectRepository(db.prisma).ensureProject({ teamSlug: team.slug });
  const run = await runs.createRun({
    projectId: project.id,
    name: "sse-bench",
    config: {
      model: "rnn",
      modelHyperparameters: {},
      dataset: "adding",
      datasetParams: {},
      training: TrainingSettings.parse({}),
      seed: 1,
    },
    priority: 0,
    queueName: "default",
  });
  const browser = await launchChromium();
  const context = await browser.newContext();
  await context.addCookies(
    client.cookie.split("; ").map((pair) => {
      const eq = pair.indexOf("=");
      return { name: pair.slice(0, eq), value: pair.slice(eq + 1), url: base };
    }),
  );
  const page = await context.newPage();
  await page.goto(`${base}/api/health`);
  await page.evaluate((runId) => {
    const w = window as unknown as { sse: number[]; poll: number[]; seenPoll: Set<number>; seenSse: Set<number> };
    w.sse = [];
    w.seenSse = new Set();
    w.poll = [];
    w.seenPoll = new Set();
    const source = new EventSource(`/api/runs/${runId}/stream`);
    source.onmessage = (m) => {
      const now = Date.now();
      const e = JSON.parse(m.data);
      // First arrival per step only: the stream's catch-up re-reads (1 s and 5 s after connecting) repeat points.
      if (e.type === "metrics")
        for (const p of e.points)
          if (p.key === "bench" && !w.seenSse.has(p.step)) {
            w.seenSse.add(p.step);
            w.sse.push(now - p.wallTime);
          }
    };
    const poll = async () => {
      const r = await fetch(`/api/runs/${runId}/metrics?max=100000`);
      const now = Date.now();
      const j = await r.json();
      for (const p of j.points)
        if (p.key === "bench" && !w.seenPoll.has(p.step)) {
          w.seenPoll.add(p.step);
          w.poll.push(now - p.wallTime);
        }
    };
    setInterval(() => void poll(), 1000);
  }, run.id);
  await new Promise((r) => setTimeout(r, 1500));
  const writer = new MetricWriter({ runId: run.id, metrics: new MetricRepository(db.prisma), redis });
  for (let step = 1; step <= 200; step++) {
    writer.record([{ key: "bench", step, value: Math.random(), wallTime: Date.now() }]);
    await new Promise((r) => setTimeout(r, 20));
  }
  await writer.close();
  await new Promise((r) => setTimeout(r, 2500));
  const { sse, poll } = await page.evaluate(() => {
    const w = window as unknown as { sse: number[]; poll: number[] };
    return { sse: w.sse, poll: w.poll };
  });
  await browser.close();
  web.kill("SIGTERM");

  console.log("\n## seqlab platform latency (same machine, same run)\n");
  console.log("| measurement | seqlab | baseline | ratio baseline/seqlab |");
  console.log("|---|---|---|---|");
  console.log(
    `| POST /api/runs -> worker claims the run (median of ${ours.length}; p95) | ${fmt(median(ours))}; ${fmt(quantile(ours, 0.95))} | bare BullMQ add -> processor start: ${fmt(median(bare))}; ${fmt(quantile(bare, 0.95))} | ${(median(bare) / median(ours)).toFixed(3)} |`,
  );
  console.log(
    `| metric recorded -> browser receives it (SSE, n=${sse.length}): median; p95 | ${fmt(median(sse))}; ${fmt(quantile(sse, 0.95))} | polling every 1 s (n=${poll.length}): ${fmt(median(poll))}; ${fmt(quantile(poll, 0.95))} | ${(median(poll) / median(sse)).toFixed(1)} |`,
  );
  redis.disconnect();
  await db.drop();
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
