import { copyFileSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { createPrismaClient, MetricRepository, type Db } from "@seqlab/db";
import { createTestDatabase, type TestDatabase } from "@seqlab/db/testing";
import { init, SeqlabInitError, syncSpool } from "@seqlab/sdk";
import { signIn } from "@seqlab/launcher/signed-in-client";
import { REDIS_URL, startWebProcess } from "./harness";

jest.setTimeout(240_000);

const ADMIN = { email: "sdk-e2e@example.com", password: "sdk e2e password" };

/**
 * The SDK against the real production server (apps/web/server.mjs) on its own database: batching, the server
 * stopped mid-run (points spooled, then synced, none lost or duplicated), `finish` bounded while the server is down,
 * and a key the server does not know.
 */
describe("the SDK against a real seqlab server", () => {
  let db: TestDatabase;
  let prisma: Db;
  let metrics: MetricRepository;
  let web: Awaited<ReturnType<typeof startWebProcess>>;
  let apiKey: string;
  const prefix = `sdk-e2e-${randomUUID()}`;
  const start = () =>
    startWebProcess({
      DATABASE_URL: db.url,
      REDIS_URL,
      SEQLAB_QUEUE_PREFIX: prefix,
      SEQLAB_ADMIN_EMAIL: ADMIN.email,
      SEQLAB_ADMIN_PASSWORD: ADMIN.password,
    });
  const spoolDirs: string[] = [];
  const newSpoolDir = () => {
    const dir = mkdtempSync(path.join(tmpdir(), "seqlab-sdk-e2e-"));
    spoolDirs.push(dir);
    return dir;
  };
  const quiet = { onProblem: () => undefined, env: {} };

  beforeAll(async () => {
    db = await createTestDatabase();
    prisma = createPrismaClient({ databaseUrl: db.url, poolSize: 2 });
    metrics = new MetricRepository(prisma);
    web = await start();
    const admin = await signIn(web.url, ADMIN);
    const created = await admin.fetch("/api/account/api-keys", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "sdk e2e" }),
    });
    expect(created.status).toBe(201);
    apiKey = ((await created.json()) as { key: string }).key;
  });
  afterAll(async () => {
    await web?.stop();
    await prisma?.$disconnect();
    await db?.drop();
    for (const dir of spoolDirs) rmSync(dir, { recursive: true, force: true });
  });

  it("sends 2500 points in batches of at most 1000, all stored once, and finishes the run", async () => {
    const batches: number[] = [];
    // Count the batches on their way out through the SDK's own fetch (the global one, wrapped).
    const realFetch = globalThis.fetch;
    globalThis.fetch = (async (input: string | URL | Request, options?: RequestInit) => {
      const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
      if (/\/api\/v1\/runs\/[^/]+\/points$/.test(url) && typeof options?.body === "string") {
        batches.push((JSON.parse(options.body) as { points: unknown[] }).points.length);
      }
      return realFetch(input, options);
    }) as typeof fetch;
    try {
      const run = await init({
        project: "default",
        name: "batched",
        config: { lr: 0.01 },
        url: web.url,
        apiKey,
        spoolDir: newSpoolDir(),
        ...quiet,
      });
      for (let step = 0; step < 2500; step++) run.log({ "train/loss": 1 / (step + 1) });
      const report = await run.finish();
      expect(report).toMatchObject({ sent: 2500, spooled: 0, refused: 0, finished: true });
      expect(Math.max(...batches)).toBeLessThanOrEqual(1000);
      expect(batches.reduce((a, b) => a + b, 0)).toBe(2500);
      expect(batches.length).toBeGreaterThanOrEqual(3);
      expect(await metrics.countPoints(run.id, "train/loss")).toBe(2500);

      const page = await (
        await realFetch(`${web.url}/api/v1/runs/${run.id}`, { headers: { authorization: `Bearer ${apiKey}` } })
      ).json();
      expect(page.run).toMatchObject({ status: "SUCCEEDED", external: true });
    } finally {
      globalThis.fetch = realFetch;
    }
  });

  it("keeps points in the spool while the server is down, finishes within its bound, and sync sends each point once", async () => {
    const spoolDir = newSpoolDir();
    const run = await init({
      project: "default",
      name: "interrupted",
      url: web.url,
      apiKey,
      spoolDir,
      ...quiet,
    });
    for (let step = 0; step < 500; step++) run.log({ "train/loss": step, "train/acc": step / 500 });
    // The first half reaches the database before the server goes away.
    for (let i = 0; i < 200 && (await metrics.countPoints(run.id)) < 1000; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await metrics.countPoints(run.id)).toBe(1000);

    await web.stop();
    for (let step = 500; step < 1000; step++) run.log({ "train/loss": step, "train/acc": step / 500 });
    const started = Date.now();
    const report = await run.finish({ timeoutMs: 3000 });
    const finishMs = Date.now() - started;
    // Bounded: the timeout plus the time to write the spool, never the retry loop's full length.
    expect(finishMs).toBeLessThan(4500);
    expect(report.finished).toBe(false);
    expect(report.spooled).toBe(1000);
    expect(report.sent).toBe(1000);
    expect(await metrics.countPoints(run.id)).toBe(1000);

    // Keep a copy of the spool, to send the same batches a second time after the sync.
    const copies = newSpoolDir();
    const spooled = readdirSync(spoolDir).filter((name) => name.endsWith(".jsonl"));
    expect(spooled).toHaveLength(1);
    for (const name of spooled) copyFileSync(path.join(spoolDir, name), path.join(copies, name));

    web = await start();
    const synced = await syncSpool({ url: web.url, apiKey, spoolDir });
    expect(synced).toMatchObject({ sent: { points: 1000 }, left: { points: 0 }, problem: null });
    expect(await metrics.countPoints(run.id, "train/loss")).toBe(1000);
    expect(await metrics.countPoints(run.id, "train/acc")).toBe(1000);
    const steps = (await metrics.listPoints(run.id, { keys: ["train/loss"] })).map((p) => p.step);
    expect(new Set(steps).size).toBe(1000);
    expect(Math.min(...steps)).toBe(0);
    expect(Math.max(...steps)).toBe(999);

    // The same batches again (a sync retried after a lost answer): stored once.
    const again = await syncSpool({ url: web.url, apiKey, spoolDir: copies });
    expect(again.sent.points).toBe(1000);
    expect(await metrics.countPoints(run.id)).toBe(2000);
    expect(await syncSpool({ url: web.url, apiKey, spoolDir })).toMatchObject({
      sent: { points: 0 },
      left: { points: 0 },
    });
  });

  it("refuses a key the server does not know at init, with the status and what to do", async () => {
    const refused = await init({
      project: "default",
      url: web.url,
      apiKey: "seqlab_not-a-real-key-0000000000000000",
      spoolDir: newSpoolDir(),
      ...quiet,
    }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(SeqlabInitError);
    expect((refused as SeqlabInitError).status).toBe(401);
    expect((refused as SeqlabInitError).message).toMatch(/refused the API key.*seqlab login/);
  });
});
