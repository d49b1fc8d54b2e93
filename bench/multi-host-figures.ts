/**
 * seqlab across network hosts (Linux network namespaces joined by a bridge, scripts/test-hosts.ts): host A runs
 * PostgreSQL, Redis and the web app; hosts B, C and D run workers (cpu backend). Three figures, each against a
 * baseline measured in the same run, interleaved where they alternate:
 *  1. recovery when a host's link is cut: from the cut to the first step past the last persisted one, on another
 *     host (REPS cuts), split into the takeover (BullMQ's lock expiry plus a stalled check) and the recompute;
 *  2. metric ingest (points persisted per second, every key) with 4 workers on 3 hosts against 1 worker;
 *  3. dispatch latency (launch accepted -> the attempt started on a worker) with the worker on another host against
 *     a worker on host A itself.
 * The links are veth pairs with no added delay (`tc netem` is not in this kernel), so figure 3 measures seqlab's own
 * path, not a WAN. All processes share this machine's 2 cores: figure 2 is bounded by CPU, not by the network.
 *
 * Needs root, `ip` and a production build of apps/web. Run: npx tsx bench/multi-host-figures.ts
 */
import { randomUUID } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createTestDatabase, type TestDatabase } from "@seqlab/db/testing";
import { HEADLESS_ADMIN, signIn, type SignedInClient } from "@seqlab/launcher/signed-in-client";
import {
  createTestNetwork,
  startPostgresOnHost,
  startRedisOnHost,
  startWebOnHost,
  startWorkerOnHost,
  testHostsUnavailable,
  type HostProcess,
} from "@seqlab/launcher/test-hosts";

const REPO_ROOT = path.resolve(__dirname, "..");
const REPS = 3;
const INGEST_WINDOW_MS = 8_000;

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
const range = (v: number[], digits = 1) => `${Math.min(...v).toFixed(digits)}-${Math.max(...v).toFixed(digits)}`;

async function until<T>(probe: () => Promise<T | null | undefined | false>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe().catch(() => null);
    if (value) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const config = (steps: number, seed: number) => ({
  model: "rnn",
  modelHyperparameters: { units: 24 },
  dataset: "adding",
  datasetParams: { length: 20 },
  training: { steps, batchSize: 32, evalEvery: 250, checkpointEvery: 25, logPredictions: false },
  seed,
});

async function main(): Promise<void> {
  const unavailable = testHostsUnavailable();
  if (unavailable) {
    console.log(`multi-host figures need test hosts: ${unavailable}`);
    return;
  }
  const tmp = mkdtempSync(path.join(os.tmpdir(), "seqlab-bench-hosts-"));
  chmodSync(tmp, 0o755);
  const network = createTestNetwork(["a", "b", "c", "d"], path.join(tmp, "logs"));
  let db: TestDatabase | null = null;
  try {
    const { a, b, c, d } = network.hosts;
    const pg = await startPostgresOnHost(a, { repoRoot: REPO_ROOT, dir: path.join(tmp, "pg"), port: 5432 });
    db = await createTestDatabase({ databaseUrl: pg.url, poolSize: 3 });
    const prisma = db.prisma;
    const redis = await startRedisOnHost(a, { dir: path.join(tmp, "redis"), port: 6379 });
    const env = {
      ...process.env,
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      SEQLAB_ARTIFACT_DIR: path.join(tmp, "artifacts"),
    };
    const web = await startWebOnHost(a, {
      repoRoot: REPO_ROOT,
      port: 3000,
      env: {
        ...env,
        SEQLAB_AUTH_SECRET: randomUUID() + randomUUID(),
        SEQLAB_ADMIN_EMAIL: HEADLESS_ADMIN.email,
        SEQLAB_ADMIN_PASSWORD: HEADLESS_ADMIN.password,
        SEQLAB_LAUNCHES_PER_MINUTE: "1000",
      },
    });
    const client = await signIn(web.url);

    const started: HostProcess[] = [];
    const worker = async (host: typeof a, queues: string): Promise<string> => {
      const process_ = startWorkerOnHost(host, { repoRoot: REPO_ROOT, queues, env, label: `w${started.length}` });
      started.push(process_);
      const row = await until(
        () => prisma.worker.findFirst({ where: { pid: process_.child.pid!, stoppedAt: null } }),
        120_000,
        `worker on ${host.name}: ${process_.tail()}`,
      );
      return row.id;
    };
    // B1 is the victim of the cuts and the lone ingest worker; C takes cut runs over; the fleet is B1, B2, C, D.
    const onA = await worker(a, "local");
    const b1 = await worker(b, "cut,solo,fleet,remote");
    await worker(b, "fleet");
    await worker(c, "cut,fleet");
    await worker(d, "fleet");
    void onA;
    void b1;

    const launch = async (queue: string, body: object): Promise<string> => {
      const response = await client.fetch("/api/runs", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ...body, queue }),
      });
      if (!response.ok) throw new Error(`launch: ${response.status} ${await response.text()}`);
      return ((await response.json()) as { run: { id: string } }).run.id;
    };
    const cancel = (id: string) => client.fetch(`/api/runs/${id}/cancel`, { method: "POST" });
    const lastStep = async (id: string) =>
      (
        await prisma.metricPoint.findFirst({
          where: { runId: id, key: "train/loss" },
          orderBy: { step: "desc" },
          select: { step: true },
        })
      )?.step ?? 0;
    const ended = (id: string) =>
      until(
        async () => !["QUEUED", "RUNNING"].includes((await prisma.run.findUniqueOrThrow({ where: { id } })).status),
        300_000,
        `run ${id} to end`,
      );
    const attemptStart = async (id: string, attempt: number) =>
      until(
        async () =>
          (await prisma.runEvent.findMany({ where: { runId: id, attempt }, orderBy: { id: "asc" } })).find(
            (e) => (e.data as { kind?: string } | null)?.kind === "attempt-start",
          ),
        120_000,
        `attempt ${attempt} of ${id}`,
      );
    const idle = (workerId: string) =>
      until(
        async () => (await prisma.worker.findUniqueOrThrow({ where: { id: workerId } })).currentRunId === null,
        180_000,
        `worker ${workerId} idle`,
      );

    // 1. Recovery when B's link is cut.
    const recovery: { total: number; takeover: number; recompute: number; cutStep: number }[] = [];
    for (let rep = 0; rep < REPS; rep++) {
      // B and C both serve "cut" (C must, to take the run over); whichever polls first gets a launch. A run C got
      // first is cancelled and launched again until B has one.
      let run = "";
      for (let tries = 0; ; tries++) {
        run = await launch("cut", config(20_000, rep));
        const owner = await until(
          async () => (await prisma.run.findUniqueOrThrow({ where: { id: run } })).workerId,
          60_000,
          "the cut run to start",
        );
        if (owner === b1) break;
        if (tries >= 8) throw new Error(`the cut run started on ${owner}, not B, ${tries + 1} times`);
        await cancel(run);
        await ended(run);
        await idle(owner);
      }
      await until(async () => (await lastStep(run)) >= 120, 120_000, "step 120");
      const cutAt = Date.now();
      b.cut();
      // A batch sent just before the cut may still commit; nothing sent after it can arrive.
      await new Promise((r) => setTimeout(r, 1_000));
      const cutStep = await lastStep(run);
      await until(async () => (await lastStep(run)) > cutStep, 120_000, "a step past the cut");
      const resumedAt = Date.now();
      const takeover = (await attemptStart(run, 2)).createdAt.getTime();
      recovery.push({
        total: (resumedAt - cutAt) / 1000,
        takeover: (takeover - cutAt) / 1000,
        recompute: (resumedAt - takeover) / 1000,
        cutStep,
      });
      b.restore();
      await cancel(run);
      await ended(run);
      // B's stale attempt is fenced when its writes get through; wait until its slot is free again.
      await idle(b1);
    }

    // 2 and 3, interleaved: ingest with 1 worker vs 4 on 3 hosts, and dispatch remote vs local.
    const ingest = { solo: [] as number[], fleet: [] as number[] };
    const dispatch = { remote: [] as number[], local: [] as number[] };
    const ingestRate = async (queue: "solo" | "fleet", runs: number, seed: number) => {
      const ids = await Promise.all(Array.from({ length: runs }, (_, i) => launch(queue, config(50_000, seed + i))));
      await until(
        async () => (await Promise.all(ids.map(lastStep))).every((s) => s >= 20),
        120_000,
        `${queue} runs training`,
      );
      const count = () => prisma.metricPoint.count({ where: { runId: { in: ids } } });
      const before = await count();
      const t0 = Date.now();
      await new Promise((r) => setTimeout(r, INGEST_WINDOW_MS));
      const after = await count();
      const rate = (after - before) / ((Date.now() - t0) / 1000);
      await Promise.all(ids.map(cancel));
      await Promise.all(ids.map(ended));
      return rate;
    };
    const dispatchMs = async (queue: "remote" | "local", seed: number) => {
      const run = await launch(queue, config(10, seed));
      const created = (await prisma.run.findUniqueOrThrow({ where: { id: run } })).createdAt.getTime();
      const start = (await attemptStart(run, 1)).createdAt.getTime();
      await ended(run);
      return start - created;
    };
    for (let rep = 0; rep < REPS; rep++) {
      ingest.solo.push(await ingestRate("solo", 1, 100 + rep));
      ingest.fleet.push(await ingestRate("fleet", 4, 200 + rep * 4));
      for (let i = 0; i < 2; i++) {
        dispatch.remote.push(await dispatchMs("remote", 300 + rep * 2 + i));
        dispatch.local.push(await dispatchMs("local", 400 + rep * 2 + i));
      }
    }

    console.log("\n## Multi-host figures (network namespaces on one 2-core machine)\n");
    console.log("| figure | median | range | reps |");
    console.log("|---|---|---|---|");
    console.log(
      `| recovery after B's link is cut: cut -> first step past the last persisted one, on C (s) | ${median(recovery.map((r) => r.total)).toFixed(1)} | ${range(recovery.map((r) => r.total))} | ${REPS} |`,
    );
    console.log(
      `|  of which takeover: cut -> attempt 2 started on C (BullMQ lock 10 s renewed every 5 s, stalled check every 5 s) (s) | ${median(recovery.map((r) => r.takeover)).toFixed(1)} | ${range(recovery.map((r) => r.takeover))} | ${REPS} |`,
    );
    console.log(
      `|  of which resume and recompute from the checkpoint (s) | ${median(recovery.map((r) => r.recompute)).toFixed(1)} | ${range(recovery.map((r) => r.recompute))} | ${REPS} |`,
    );
    console.log(
      `| metric ingest, 1 worker on B (points/s) | ${median(ingest.solo).toFixed(0)} | ${range(ingest.solo, 0)} | ${REPS} |`,
    );
    console.log(
      `| metric ingest, 4 workers on B, B, C, D (points/s) | ${median(ingest.fleet).toFixed(0)} | ${range(ingest.fleet, 0)} | ${REPS} |`,
    );
    console.log(
      `| ingest ratio, 4 workers on 3 hosts / 1 worker | ${(median(ingest.fleet) / median(ingest.solo)).toFixed(2)} | | |`,
    );
    console.log(
      `| dispatch, launch -> attempt start, worker on B (ms) | ${median(dispatch.remote).toFixed(0)} | ${range(dispatch.remote, 0)} | ${dispatch.remote.length} |`,
    );
    console.log(
      `| dispatch, launch -> attempt start, worker on A (ms) | ${median(dispatch.local).toFixed(0)} | ${range(dispatch.local, 0)} | ${dispatch.local.length} |`,
    );
    console.log(
      `| dispatch ratio, across hosts / on one host | ${(median(dispatch.remote) / median(dispatch.local)).toFixed(2)} | | |`,
    );
    console.log(`\ncut steps: ${recovery.map((r) => r.cutStep).join(", ")}`);
  } finally {
    await db?.drop().catch(() => undefined);
    network.destroy();
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
