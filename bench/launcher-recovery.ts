/**
 * `./seqlab start` healing itself, measured on the real launcher with two workers (cpu backend), REPS times:
 *  - kill -9 of the worker training a run -> the launcher has restarted it (a new worker process registered);
 *  - kill -9 -> the run takes a step past the last one persisted at the kill, on whichever worker takes it over.
 * The baseline is what the run waits for in any case: BullMQ's lock on the dead worker's job (10 s) plus a stalled
 * check (every 5 s), configured in packages/queue. Before the supervisor existed, the first figure was "never": the
 * launcher stopped everything when one worker died.
 *
 * Needs PostgreSQL (TEST_DATABASE_URL), Redis (TEST_REDIS_URL) and a production build of apps/web.
 * Run: npx tsx bench/launcher-recovery.ts
 */
import { randomUUID } from "node:crypto";
import net from "node:net";
import { createTestDatabase } from "@seqlab/db/testing";
import { startLauncher } from "@seqlab/launcher/process";
import { HEADLESS_ADMIN, signIn } from "@seqlab/launcher/signed-in-client";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
/** Kills per run of the bench; each costs a lock expiry (about 15 s). */
const REPS = 3;

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function until<T>(probe: () => Promise<T | null | undefined | false>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out after ${timeoutMs} ms`);
}

async function main(): Promise<void> {
  const db = await createTestDatabase();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const launcher = startLauncher({
    PORT: String(port),
    SEQLAB_WORKERS: "2",
    DATABASE_URL: db.url,
    REDIS_URL,
    SEQLAB_QUEUE_PREFIX: `bench-${randomUUID()}`,
    SEQLAB_BACKEND: "cpu",
    SEQLAB_ADMIN_EMAIL: HEADLESS_ADMIN.email,
    SEQLAB_ADMIN_PASSWORD: HEADLESS_ADMIN.password,
  });
  const back: number[] = [];
  const stepped: number[] = [];
  try {
    await launcher.waitFor(/seqlab is running at/, 300_000);
    const client = await signIn(base);
    for (let rep = 0; rep < REPS; rep++) {
      const response = await client.fetch("/api/runs", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          model: "rnn",
          modelHyperparameters: { units: 32 },
          dataset: "adding",
          datasetParams: { length: 20 },
          training: { steps: 2000, batchSize: 64, checkpointEvery: 20 },
          seed: rep,
        }),
      });
      const { run } = (await response.json()) as { run: { id: string } };
      const victim = await until(async () => {
        const row = await db.prisma.run.findUnique({
          where: { id: run.id },
          select: { workerId: true, lastStep: true },
        });
        if (!row?.workerId || (row.lastStep ?? 0) < 25) return null;
        return db.prisma.worker.findUnique({ where: { id: row.workerId }, select: { pid: true } });
      }, 120_000);
      const workersBefore = new Set((await db.prisma.worker.findMany({ select: { id: true } })).map((w) => w.id));
      const killedAt = Date.now();
      process.kill(victim.pid, "SIGKILL");
      // Whatever the dead worker had in flight has landed (or never will) once its process is gone.
      await until(async () => {
        try {
          process.kill(victim.pid, 0);
          return false;
        } catch {
          return true;
        }
      }, 10_000);
      const last = await db.prisma.metricPoint.findFirst({
        where: { runId: run.id, key: "train/loss" },
        orderBy: { step: "desc" },
      });
      const registered = until(
        async () => (await db.prisma.worker.findMany({ select: { id: true } })).find((w) => !workersBefore.has(w.id)),
        60_000,
      ).then(() => Date.now() - killedAt);
      const nextStep = until(
        () =>
          db.prisma.metricPoint.findFirst({
            where: { runId: run.id, key: "train/loss", step: { gt: last?.step ?? 0 } },
          }),
        120_000,
      ).then(() => Date.now() - killedAt);
      const [b, s] = await Promise.all([registered, nextStep]);
      back.push(b);
      stepped.push(s);
      await client.fetch(`/api/runs/${run.id}/cancel`, { method: "POST" });
      console.error(`rep ${rep + 1}: worker back after ${b} ms, run stepped on after ${s} ms`);
    }
  } finally {
    launcher.child.kill("SIGINT");
    await new Promise((r) => launcher.child.once("exit", r));
    await db.drop();
  }
  const fmt = (v: number[]) => `${(median(v) / 1000).toFixed(1)} s (${v.map((x) => (x / 1000).toFixed(1)).join(", ")})`;
  console.log(`\n## kill -9 of a busy worker under ./seqlab start (2 workers, cpu), ${REPS} reps: median (each)\n`);
  console.log("| from the kill until | measured | bound in the same setup |");
  console.log("|---|---|---|");
  console.log(`| the launcher's restarted worker registered | ${fmt(back)} | 1 s backoff + worker start-up |`);
  console.log(
    `| the run took a step past its last persisted one | ${fmt(stepped)} | <= 10 s lock + 5 s stalled check + resume |`,
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
