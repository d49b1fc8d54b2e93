/**
 * seqlab across real network hosts (Linux network namespaces on one machine, see scripts/test-hosts.ts):
 *   host A runs PostgreSQL, Redis (append-only file on) and a web replica; hosts B and C each run a worker that
 *   reaches A over its own link; host D runs a second web replica sharing A's Redis and database. Artifacts go
 *   to an S3 stand-in (s3rver) on the network, as hosts without a shared disk would store them.
 * The scenarios run in order on one network, each building on the last:
 *   1. a viewer streaming from D sees live a run launched through A;
 *   2. that run trains on B, B's link is cut, and the run resumes on C from its checkpoint;
 *   3. B comes back while C owns the run: B's stale attempt writes nothing (fenced by the attempt number), B takes
 *      new work, and the resumed series equals an uninterrupted run's;
 *   4. Redis on A is killed mid-run and restarted from its append-only file: no job is lost.
 * Needs root and `ip` (skipped otherwise, with one loud line), and the web app's production build.
 */
import { randomUUID } from "node:crypto";
import { chmodSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startS3StandIn } from "@seqlab/artifact-store/testing";
import type { RunStreamEvent } from "@seqlab/contracts";
import { createTestDatabase, type TestDatabase } from "@seqlab/db/testing";
import { signIn, HEADLESS_ADMIN, type SignedInClient } from "@seqlab/launcher/signed-in-client";
import {
  createTestNetwork,
  startPostgresOnHost,
  startRedisOnHost,
  startWebOnHost,
  startWorkerOnHost,
  testHostsUnavailable,
  type HostProcess,
  type TestNetwork,
} from "@seqlab/launcher/test-hosts";
import { WEB_DIR } from "./harness";

const REPO_ROOT = path.resolve(WEB_DIR, "../..");
const unavailable = testHostsUnavailable();
if (unavailable) {
  console.warn(`\n!!! SKIPPED the multi-host suite (apps/web/test/multi-host.e2e.test.ts): ${unavailable}.\n`);
}
const maybe = unavailable ? describe.skip : describe;

/** Long enough that C still trains when B comes back; checkpoints often, so a resume recomputes little. */
const CONFIG = {
  model: "rnn",
  modelHyperparameters: { units: 24 },
  dataset: "adding",
  datasetParams: { length: 20 },
  training: { steps: 1500, batchSize: 32, evalEvery: 250, checkpointEvery: 25, logPredictions: false },
  seed: 7,
};
const WEB_PORT = 3000;

maybe("seqlab on four hosts", () => {
  let tmp: string;
  let network: TestNetwork<"a" | "b" | "c" | "d">;
  let db: TestDatabase;
  let redisUrl: string;
  let redis: HostProcess;
  const workers: Record<string, HostProcess> = {};
  let viaA: SignedInClient;
  let viaD: SignedInClient;
  const secret = randomUUID() + randomUUID();
  let s3: Awaited<ReturnType<typeof startS3StandIn>>;

  const sharedEnv = (): NodeJS.ProcessEnv => ({
    ...process.env,
    DATABASE_URL: db.url,
    REDIS_URL: redisUrl,
    // Checkpoints go to object storage every host reaches over the network (an S3 stand-in on the bridge), as
    // workers on separate machines without a shared disk would use: a host whose link is cut loses it too.
    SEQLAB_ARTIFACT_STORE: "s3",
    SEQLAB_S3_BUCKET: s3.bucket,
    SEQLAB_S3_ENDPOINT: s3.endpoint,
    SEQLAB_S3_ACCESS_KEY_ID: s3.credentials.accessKeyId,
    SEQLAB_S3_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
  });

  async function startWeb(host: "a" | "d"): Promise<string> {
    const web = await startWebOnHost(network.hosts[host], {
      repoRoot: REPO_ROOT,
      port: WEB_PORT,
      env: {
        ...sharedEnv(),
        SEQLAB_AUTH_SECRET: secret,
        SEQLAB_ADMIN_EMAIL: HEADLESS_ADMIN.email,
        SEQLAB_ADMIN_PASSWORD: HEADLESS_ADMIN.password,
      },
    });
    return web.url;
  }

  async function startWorker(host: "b" | "c", queues: string): Promise<string> {
    const worker = startWorkerOnHost(network.hosts[host], {
      repoRoot: REPO_ROOT,
      queues,
      env: sharedEnv(),
      label: `worker-${Object.keys(workers).length}`,
    });
    workers[host] = worker;
    const row = await until(
      () => db.prisma.worker.findFirst({ where: { pid: worker.child.pid!, stoppedAt: null } }),
      90_000,
      () => `worker on ${host}: ${worker.tail()}`,
    );
    return row.id;
  }

  beforeAll(async () => {
    if (!existsSync(path.join(WEB_DIR, ".next/BUILD_ID"))) {
      throw new Error("apps/web has no production build: run `./seqlab test` (it builds first)");
    }
    tmp = mkdtempSync(path.join(os.tmpdir(), "seqlab-hosts-"));
    // PostgreSQL runs as the postgres user, which must be able to enter the folder.
    chmodSync(tmp, 0o755);
    network = createTestNetwork(["a", "b", "c", "d"], path.join(tmp, "logs"));
    s3 = await startS3StandIn({ address: network.gateway });
    const pg = await startPostgresOnHost(network.hosts.a, {
      repoRoot: REPO_ROOT,
      dir: path.join(tmp, "pg"),
      port: 5432,
    });
    db = await createTestDatabase({ databaseUrl: pg.url, poolSize: 3 });
    ({ url: redisUrl, process: redis } = await startRedisOnHost(network.hosts.a, {
      dir: path.join(tmp, "redis"),
      port: 6379,
    }));
    const a = await startWeb("a");
    const d = await startWeb("d");
    viaA = await signIn(a);
    viaD = await signIn(d);
  }, 240_000);

  afterAll(async () => {
    await db?.drop().catch(() => undefined);
    network?.destroy();
    await s3?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  // State the scenarios hand on.
  let runId = "";
  let workerB = "";
  let workerC = "";
  let cutAtStep = 0;
  let cutAt = 0;

  it("a viewer streaming from replica D sees live a run launched through replica A", async () => {
    workerB = await startWorker("b", "default,host-b");
    runId = await launch(viaA, "default");
    const openedAt = Date.now();
    const stream = await viaD.fetch(`/api/runs/${runId}/stream`, { headers: { accept: "text/event-stream" } });
    expect(stream.status).toBe(200);
    const events = readEvents(stream);
    // Live points: computed on B after the viewer connected to D, so not part of any snapshot.
    const seen = await events.until(
      (e) => e.type === "metrics" && e.points.some((p) => p.key === "train/loss" && p.wallTime > openedAt),
    );
    expect(seen.type).toBe("metrics");
    const run = await db.prisma.run.findUniqueOrThrow({ where: { id: runId } });
    expect(run.status).toBe("RUNNING");
    expect(run.workerId).toBe(workerB);
    events.close();
  }, 180_000);

  it("resumes on C from its checkpoint when B's link is cut", async () => {
    await waitForStep(runId, 150);
    await until(() => db.prisma.artifact.findFirst({ where: { runId, kind: "checkpoint" } }), 60_000);
    workerC = await startWorker("c", "default");
    cutAt = Date.now();
    network.hosts.b.cut();
    // A batch B sent just before the cut may still commit; nothing after it can arrive. So the last persisted
    // step is read once that batch had time to land.
    await new Promise((r) => setTimeout(r, 1_000));
    cutAtStep = await lastStep(runId);
    const resumedAt = await waitForStep(runId, cutAtStep + 1, 120_000);
    const run = await db.prisma.run.findUniqueOrThrow({ where: { id: runId } });
    expect(run.attempt).toBe(2);
    expect(run.workerId).toBe(workerC);
    console.log(
      `multi-host: B cut at step ${cutAtStep}; first step past it on C after ${((resumedAt - cutAt) / 1000).toFixed(1)} s`,
    );
  }, 180_000);

  it("B comes back while C owns the run: its stale attempt writes nothing, it takes new work, and the series equals an uninterrupted run's", async () => {
    const run = await db.prisma.run.findUniqueOrThrow({ where: { id: runId } });
    expect(run.status).toBe("RUNNING");
    network.hosts.b.restore();
    // Only B serves host-b: this run can only be trained once B's slot is free of its stale attempt.
    const reference = await launch(viaA, "host-b");
    const [resumed, uninterrupted] = await Promise.all([
      waitForStatus(runId, "SUCCEEDED", 300_000),
      waitForStatus(reference, "SUCCEEDED", 300_000),
    ]);
    expect(resumed.workerId).toBe(null);
    const referenceStart = await attemptStart(reference, 1);
    expect(referenceStart.worker).toBe(workerB);

    // Fenced: every point past the cut was written by C's attempt, none by B's from the time it was cut off
    // (B trained on in isolation and computed those steps first; its points would carry the earlier wall times).
    const takeover = await attemptStart(runId, 2);
    expect(takeover.worker).toBe(workerC);
    const pastCut = await db.prisma.metricPoint.findMany({
      where: { runId, step: { gt: cutAtStep } },
      select: { step: true, wallTime: true },
    });
    expect(pastCut.length).toBeGreaterThan(0);
    expect(pastCut.filter((p) => p.wallTime.getTime() < takeover.at.getTime())).toEqual([]);
    const staleCheckpoints = await db.prisma.artifact.count({
      where: { runId, attempt: 1, step: { gt: cutAtStep } },
    });
    expect(staleCheckpoints).toBe(0);

    // Every step once, and the same values as a run that was never interrupted.
    const steps = CONFIG.training.steps;
    for (const id of [runId, reference]) {
      const rows = await db.prisma.metricPoint.findMany({
        where: { runId: id, key: "train/loss" },
        select: { step: true },
      });
      expect(rows.length).toBe(steps);
      expect(new Set(rows.map((r) => r.step)).size).toBe(steps);
    }
    expect(await seriesOf(runId)).toEqual(await seriesOf(reference));
    void uninterrupted;
  }, 420_000);

  it("loses no job when Redis on A is killed mid-run and restarted from its append-only file", async () => {
    const short = { ...CONFIG, training: { ...CONFIG.training, steps: 400 } };
    const training = await launch(viaA, "host-b", short);
    const waiting = await launch(viaA, "host-b", { ...short, seed: 8 });
    await waitForStep(training, 60);
    expect((await db.prisma.run.findUniqueOrThrow({ where: { id: waiting } })).status).toBe("QUEUED");
    await redis.kill("SIGKILL");
    await new Promise((r) => setTimeout(r, 1_500));
    ({ process: redis } = await startRedisOnHost(network.hosts.a, {
      dir: path.join(tmp, "redis"),
      port: 6379,
      label: "redis-restarted",
    }));
    for (const id of [training, waiting]) {
      await waitForStatus(id, "SUCCEEDED", 300_000);
      const count = await db.prisma.metricPoint.count({ where: { runId: id, key: "train/loss" } });
      expect(count).toBe(400);
    }
  }, 420_000);

  // --- helpers over the database on A and the API -----------------------------------------------------------

  async function launch(client: SignedInClient, queue: string, config: object = CONFIG): Promise<string> {
    const response = await client.fetch("/api/runs", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...config, queue }),
    });
    if (response.status !== 201 && response.status !== 200) {
      throw new Error(`launch failed: ${response.status} ${await response.text()}`);
    }
    return ((await response.json()) as { run: { id: string } }).run.id;
  }

  async function lastStep(id: string): Promise<number> {
    const last = await db.prisma.metricPoint.findFirst({
      where: { runId: id, key: "train/loss" },
      orderBy: { step: "desc" },
      select: { step: true },
    });
    return last?.step ?? 0;
  }

  /** Polls (every 50 ms) until a loss point at `step` or later is persisted; returns when it was seen. */
  async function waitForStep(id: string, step: number, timeoutMs = 120_000): Promise<number> {
    await until(
      async () => (await lastStep(id)) >= step,
      timeoutMs,
      () => `run ${id} reaching step ${step}`,
      50,
    );
    return Date.now();
  }

  async function waitForStatus(id: string, status: string, timeoutMs: number) {
    return until(
      async () => {
        const run = await db.prisma.run.findUniqueOrThrow({ where: { id } });
        if (run.status === status) return run;
        if (["FAILED", "CANCELLED", "SUCCEEDED"].includes(run.status)) {
          throw new Error(`run ${id} ended ${run.status} (${run.errorReason ?? ""}), not ${status}`);
        }
        return null;
      },
      timeoutMs,
      () =>
        `run ${id} reaching ${status}; worker logs:\n${Object.values(workers)
          .map((w) => w.tail())
          .join("\n")}`,
    );
  }

  /** When attempt `attempt` of a run started, and on which worker (its attempt-start event). */
  async function attemptStart(id: string, attempt: number): Promise<{ at: Date; worker: string }> {
    const events = await db.prisma.runEvent.findMany({ where: { runId: id, attempt }, orderBy: { id: "asc" } });
    const start = events.find((e) => (e.data as { kind?: string } | null)?.kind === "attempt-start");
    if (!start) throw new Error(`run ${id} has no start event for attempt ${attempt}`);
    return { at: start.createdAt, worker: (start.data as { worker: string }).worker };
  }

  async function seriesOf(id: string): Promise<Record<string, [number, number][]>> {
    const points = await db.prisma.metricPoint.findMany({
      where: { runId: id, key: { in: ["train/loss", "val/loss", "train/mse", "val/mse"] } },
      orderBy: [{ key: "asc" }, { step: "asc" }],
      select: { key: true, step: true, value: true },
    });
    const out: Record<string, [number, number][]> = {};
    for (const p of points) (out[p.key] ??= []).push([p.step, p.value]);
    return out;
  }
});

/** Polls `probe` until it returns something truthy; throws after `timeoutMs` with `what()` in the message. */
async function until<T>(
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs: number,
  what: () => string = () => "condition",
  everyMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      if (error instanceof Error && error.message.includes("ended")) throw error;
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what()}${lastError ? ` (last error: ${String(lastError)})` : ""}`,
  );
}

/** Server-sent events of a stream response, parsed as run stream events. */
function readEvents(response: Response) {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  return {
    async until(match: (event: RunStreamEvent) => boolean, timeoutMs = 60_000): Promise<RunStreamEvent> {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const chunk = await Promise.race([
          reader.read(),
          new Promise<null>((r) => setTimeout(() => r(null), Math.max(1, deadline - Date.now()))),
        ]);
        if (chunk === null) break;
        if (chunk.done) throw new Error("the stream ended");
        buffer += decoder.decode(chunk.value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = frame
            .split("\n")
            .filter((l) => l.startsWith("data: "))
            .map((l) => l.slice(6))
            .join("\n");
          if (!data) continue;
          const event = JSON.parse(data) as RunStreamEvent;
          if (match(event)) return event;
        }
      }
      throw new Error(`no matching stream event within ${timeoutMs} ms`);
    },
    close: () => void reader.cancel().catch(() => undefined),
  };
}
