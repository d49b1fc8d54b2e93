/**
 * Foundations figures for the embedded PostgreSQL (real PostgreSQL 18 from embedded-postgres), in one run:
 *  A. Cold start (an empty folder: initdb, start, create the database, apply the migrations through the wasm schema
 *     engine) and warm start (the same folder again: start and a one-query migration check), REPS of each,
 *     as the server process measures them and as its caller sees them (process spawn and tsx included).
 *  B. Metric ingest through the worker's MetricWriter (batches of up to 1000 points, one unnest INSERT each) into the
 *     embedded PostgreSQL against the system PostgreSQL (TEST_DATABASE_URL), interleaved rep by rep so load bursts
 *     on the shared machine hit both alike.
 *
 * Needs PostgreSQL (TEST_DATABASE_URL) and Redis (TEST_REDIS_URL). Run: npx tsx bench/embedded-postgres.ts
 */
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createPrismaClient, MetricRepository, ProjectRepository, RunRepository, type Db } from "@seqlab/db";
import { startEmbeddedPostgres } from "@seqlab/db/embedded";
import { createTestDatabase } from "@seqlab/db/testing";
import { TrainingSettings } from "@seqlab/contracts";
import { createRedisConnection } from "@seqlab/queue";
import { MetricWriter } from "@seqlab/worker";
import net from "node:net";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
/** Repetitions of each measurement: enough for a median on a noisy 2-core machine. */
const REPS = 5;
/** Points per ingest rep: 50 000 over 10 keys, the worker-resilience bench's shape. */
const POINTS = 50_000;

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
const range = (v: number[]) => `${Math.min(...v).toFixed(0)}-${Math.max(...v).toFixed(0)}`;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function ingestRate(db: Db, redisUrl: string): Promise<number> {
  const project = await new ProjectRepository(db).ensureProject();
  const run = await new RunRepository(db).createRun({
    projectId: project.id,
    name: "ingest",
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
  const redis = createRedisConnection(redisUrl);
  const writer = new MetricWriter({ runId: run.id, metrics: new MetricRepository(db), redis });
  const t0 = performance.now();
  for (let step = 1; step <= POINTS / 10; step++) {
    writer.record(
      Array.from({ length: 10 }, (_, k) => ({ key: `m${k}`, step, value: step * k, wallTime: Date.now() })),
    );
    if (step % 500 === 0) await new Promise((r) => setImmediate(r));
  }
  await writer.close();
  const rate = POINTS / ((performance.now() - t0) / 1000);
  redis.disconnect();
  return rate;
}

async function main(): Promise<void> {
  const root = mkdtempSync(path.join(tmpdir(), "seqlab-bench-pg-"));
  chmodSync(root, 0o755);
  const cold: { server: number; caller: number }[] = [];
  const warm: { server: number; caller: number }[] = [];
  try {
    for (let rep = 0; rep < REPS; rep++) {
      const dataDir = path.join(root, `cluster-${rep}`);
      const port = await freePort();
      let t0 = performance.now();
      let pg = await startEmbeddedPostgres({ dataDir, port, log: () => undefined });
      cold.push({ server: pg.startMs, caller: performance.now() - t0 });
      await pg.stop();
      t0 = performance.now();
      pg = await startEmbeddedPostgres({ dataDir, port, log: () => undefined });
      warm.push({ server: pg.startMs, caller: performance.now() - t0 });
      await pg.stop();
    }

    // B: one embedded cluster and one system-PostgreSQL schema, both migrated, written to alternately.
    const port = await freePort();
    const embedded = await startEmbeddedPostgres({ dataDir: path.join(root, "ingest"), port, log: () => undefined });
    const embeddedDb = createPrismaClient({ databaseUrl: embedded.url, poolSize: 4 });
    const system = await createTestDatabase({ poolSize: 4 });
    const rates = { embedded: [] as number[], system: [] as number[] };
    for (let rep = 0; rep < REPS; rep++) {
      rates.embedded.push(await ingestRate(embeddedDb, REDIS_URL));
      rates.system.push(await ingestRate(system.prisma, REDIS_URL));
    }
    await embeddedDb.$disconnect();
    await embedded.stop();
    await system.drop();

    const ms = (v: number[]) => `${median(v).toFixed(0)} ms (${range(v)})`;
    console.log(`\n## Embedded PostgreSQL 18 (embedded-postgres), ${REPS} reps each, medians (range)\n`);
    console.log("| figure | inside the server process | as the caller sees it (spawn + tsx) |");
    console.log("|---|---|---|");
    console.log(
      `| cold start: initdb, start, create database, migrations | ${ms(cold.map((c) => c.server))} | ${ms(cold.map((c) => c.caller))} |`,
    );
    console.log(
      `| warm start: start, migration check | ${ms(warm.map((c) => c.server))} | ${ms(warm.map((c) => c.caller))} |`,
    );
    console.log(`\n## Metric ingest through the worker's MetricWriter (${POINTS} points, 10 keys), interleaved\n`);
    console.log("| database | points/s (median) | range | ratio to system PostgreSQL |");
    console.log("|---|---|---|---|");
    const sys = median(rates.system);
    console.log(
      `| embedded PostgreSQL 18 | ${median(rates.embedded).toFixed(0)} | ${range(rates.embedded)} | ${(median(rates.embedded) / sys).toFixed(2)} |`,
    );
    console.log(`| system PostgreSQL (TEST_DATABASE_URL) | ${sys.toFixed(0)} | ${range(rates.system)} | 1.00 |`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
