import { randomUUID } from "node:crypto";
import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createTestDatabase, type TestDatabase } from "@seqlab/db/testing";
import { startLauncher } from "../launcher-process";
import { freePort } from "../lib";
import { HEADLESS_ADMIN, signIn, type SignedInClient } from "../signed-in-client";

jest.setTimeout(420_000);

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
/** The account the web app creates on first boot, so the test can sign in without the setup page. */
const ADMIN_ENV = { SEQLAB_ADMIN_EMAIL: HEADLESS_ADMIN.email, SEQLAB_ADMIN_PASSWORD: HEADLESS_ADMIN.password };

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("./seqlab start keeps the platform up (real launcher, web, two workers, PostgreSQL, Redis)", () => {
  let db: TestDatabase;
  let launcher: ReturnType<typeof startLauncher> | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    if (launcher && launcher.child.exitCode === null) launcher.child.kill("SIGKILL");
    await db.drop();
  });

  it("restarts a worker killed with -9 mid-run; the web app keeps answering and the run finishes with every step once", async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    launcher = startLauncher({
      PORT: String(port),
      SEQLAB_WORKERS: "2",
      DATABASE_URL: db.url,
      REDIS_URL,
      SEQLAB_QUEUE_PREFIX: `launcher-${randomUUID()}`,
      SEQLAB_BACKEND: "cpu",
      ...ADMIN_ENV,
    });
    await launcher.waitFor(/seqlab is running at/, 240_000);
    const client = await signIn(base);
    await Promise.all(
      ["worker-1", "worker-2"].map((name) =>
        launcher!.waitFor(new RegExp(`^\\[${name}\\] \\[worker\\] worker \\S+ on cpu`), 60_000),
      ),
    );

    const steps = 300;
    const launched = await client.fetch("/api/runs", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        name: "survives",
        model: "rnn",
        modelHyperparameters: { units: 32 },
        dataset: "adding",
        datasetParams: { length: 20 },
        training: { steps, batchSize: 64, evalEvery: 10, checkpointEvery: 25 },
        seed: 5,
      }),
    });
    expect(launched.status).toBe(201);
    const { run } = (await launched.json()) as { run: { id: string } };

    // Wait until it trains past its first checkpoint, then kill -9 the worker process training it.
    let victim: { id: string; pid: number } | null = null;
    for (const deadline = Date.now() + 120_000; Date.now() < deadline && !victim;) {
      const row = await db.prisma.run.findUnique({ where: { id: run.id }, select: { workerId: true } });
      const last = await db.prisma.metricPoint.findFirst({
        where: { runId: run.id, key: "train/loss" },
        orderBy: { step: "desc" },
      });
      if (row?.workerId && (last?.step ?? 0) >= 30) {
        victim = await db.prisma.worker.findUnique({ where: { id: row.workerId }, select: { id: true, pid: true } });
      } else await new Promise((r) => setTimeout(r, 100));
    }
    expect(victim).not.toBeNull();
    const health: number[] = [];
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        health.push(
          await fetch(`${base}/api/health`).then(
            (r) => r.status,
            () => 0,
          ),
        );
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    process.kill(victim!.pid, "SIGKILL");
    const [, name] = (await launcher.waitFor(/^\[seqlab\] (worker-\d) exited \(signal SIGKILL\)/, 30_000))!;
    const [, restartedPid] = (await launcher.waitFor(
      new RegExp(`^\\[seqlab\\] ${name} restarted \\(pid (\\d+)\\)`),
      30_000,
    ))!;
    expect(launcher.lines).toContain(`[seqlab] ${name}: restarting in 1 s`);

    let finished: { status: string } | null = null;
    for (const deadline = Date.now() + 240_000; Date.now() < deadline;) {
      finished = await db.prisma.run.findUnique({ where: { id: run.id }, select: { status: true } });
      if (finished && !["QUEUED", "RUNNING"].includes(finished.status)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    watching = false;
    await watcher;
    expect(finished?.status).toBe("SUCCEEDED");
    const loss = await db.prisma.metricPoint.findMany({
      where: { runId: run.id, key: "train/loss" },
      orderBy: { step: "asc" },
      select: { step: true },
    });
    expect(loss.map((p) => p.step)).toEqual(Array.from({ length: steps }, (_, i) => i + 1));
    // The web app answered every health probe while the worker was down and came back.
    expect(health.length).toBeGreaterThan(10);
    expect(health.filter((s) => s !== 200)).toEqual([]);
    // The restarted worker registered again, as a new process.
    expect(await db.prisma.worker.count({ where: { pid: Number(restartedPid), stoppedAt: null } })).toBe(1);

    // Ctrl-C stops everything, and nothing of the platform is left running.
    const pids = (await db.prisma.worker.findMany({ where: { stoppedAt: null }, select: { pid: true } })).map(
      (w) => w.pid,
    );
    const exit = new Promise<number | null>((resolve) => launcher!.child.once("exit", (code) => resolve(code)));
    launcher.child.kill("SIGINT");
    expect(await exit).toBe(0);
    expect(pids.filter(alive)).toEqual([]);
    expect(
      await fetch(`${base}/api/health`).then(
        () => "answered",
        () => "down",
      ),
    ).toBe("down");
  });

  it("restarts the embedded PostgreSQL and the private Redis when they are killed, and the run rides it out", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "seqlab-launcher-"));
    chmodSync(dataDir, 0o755);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const services = startLauncher({
      PORT: String(port),
      SEQLAB_WORKERS: "1",
      SEQLAB_DATA_DIR: dataDir,
      SEQLAB_BACKEND: "cpu",
      ...ADMIN_ENV,
    });
    launcher = services;
    try {
      await services.waitFor(/seqlab is running at/, 240_000);
      const client: SignedInClient = await signIn(base);
      await services.waitFor(/^\[worker\] \[worker\] worker \S+ on cpu/, 60_000);
      const steps = 300;
      const launched = await client.fetch("/api/runs", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          model: "rnn",
          modelHyperparameters: { units: 32 },
          dataset: "adding",
          datasetParams: { length: 20 },
          training: { steps, batchSize: 64, evalEvery: 10, checkpointEvery: 25 },
          seed: 9,
        }),
      });
      const { run } = (await launched.json()) as { run: { id: string } };
      const detail = async () =>
        (
          (await (await client.fetch(`/api/runs/${run.id}`)).json()) as {
            run?: { status: string; lastStep: number | null };
          }
        ).run;
      for (const deadline = Date.now() + 120_000; Date.now() < deadline;) {
        if (((await detail().catch(() => undefined))?.lastStep ?? 0) >= 30) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      const postmaster = Number(readFileSync(path.join(dataDir, "postgres/postmaster.pid"), "utf8").split("\n")[0]);
      const redis = Number(readFileSync(path.join(dataDir, "redis/redis.pid"), "utf8").trim());
      process.kill(postmaster, "SIGKILL");
      process.kill(redis, "SIGKILL");
      await services.waitFor(/^\[seqlab\] postgres restarted/, 60_000);
      await services.waitFor(/^\[seqlab\] redis restarted/, 60_000);
      await services.waitFor(/^\[seqlab\] embedded PostgreSQL is back/, 60_000);
      let finished: { status: string } | undefined;
      for (const deadline = Date.now() + 240_000; Date.now() < deadline;) {
        finished = await detail().catch(() => undefined);
        if (finished && !["QUEUED", "RUNNING"].includes(finished.status)) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(finished?.status).toBe("SUCCEEDED");
      const { points } = (await (await client.fetch(`/api/runs/${run.id}/metrics?max=100000`)).json()) as {
        points: { key: string; step: number }[];
      };
      expect(points.filter((p) => p.key === "train/loss").map((p) => p.step)).toEqual(
        Array.from({ length: steps }, (_, i) => i + 1),
      );
      // The worker process itself was never restarted: it rode out both outages.
      expect(services.lines.filter((l) => /^\[seqlab\] worker (exited|restarted)/.test(l))).toEqual([]);
    } finally {
      const exit = new Promise((resolve) => services.child.once("exit", resolve));
      services.child.kill("SIGINT");
      await exit;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
