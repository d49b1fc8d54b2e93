/**
 * What keeping summaries and downsampling tiers costs on ingest: MetricRepository.insertPoints (points, summaries
 * and tiers in one statement) against the plain unnest INSERT of the points alone (what the writer ran before),
 * batches of 1000 consecutive steps of 4 keys, interleaved batch by batch into two runs of one database, REPS
 * rounds of BATCHES batches each.
 *
 *   npx tsx bench/metric-ingest.ts
 *
 * Needs PostgreSQL (TEST_DATABASE_URL).
 */
import { TrainingSettings, type MetricPoint } from "@seqlab/contracts";
import { MetricRepository, ProjectRepository, RunRepository } from "@seqlab/db";
import { createTestDatabase } from "@seqlab/db/testing";

const BATCH = 1000;
const BATCHES = 50;
const REPS = 3;
const KEYS = ["loss", "val/loss", "accuracy", "system/step_ms"];

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

function batchAt(index: number): MetricPoint[] {
  const steps = BATCH / KEYS.length;
  return KEYS.flatMap((key) =>
    Array.from({ length: steps }, (_, i) => {
      const step = index * steps + i;
      return { key, step, value: Math.sin(step / 100) + step / 1e5, wallTime: Date.UTC(2026, 11, 1) + step };
    }),
  );
}

async function main() {
  const db = await createTestDatabase();
  try {
    const projectId = (await new ProjectRepository(db.prisma).ensureProject()).id;
    const runs = new RunRepository(db.prisma);
    const metrics = new MetricRepository(db.prisma);
    const config = {
      model: "rnn",
      modelHyperparameters: {},
      dataset: "adding",
      datasetParams: {},
      training: TrainingSettings.parse({}),
      seed: 1,
    };
    const plain = async (runId: string, points: MetricPoint[]) => {
      await db.prisma.$executeRaw`
        INSERT INTO "MetricPoint" ("runId", "key", "step", "value", "wallTime")
        SELECT ${runId}, t.key, t.step, t.value, t.wall_time
        FROM unnest(${points.map((p) => p.key)}::text[], ${points.map((p) => p.step)}::int[],
                    ${points.map((p) => p.value)}::float8[],
                    ${points.map((p) => new Date(p.wallTime).toISOString())}::timestamp[]) AS t(key, step, value, wall_time)
        ON CONFLICT DO NOTHING`;
    };
    const rates = { plain: [] as number[], maintained: [] as number[] };
    for (let rep = 0; rep < REPS; rep++) {
      const a = (await runs.createRun({ projectId, name: "plain", config, priority: 0, queueName: "default" })).id;
      const b = (await runs.createRun({ projectId, name: "kept", config, priority: 0, queueName: "default" })).id;
      let plainMs = 0;
      let keptMs = 0;
      for (let i = 0; i < BATCHES; i++) {
        const points = batchAt(i);
        let t = performance.now();
        await plain(a, points);
        plainMs += performance.now() - t;
        t = performance.now();
        await metrics.insertPoints(b, points);
        keptMs += performance.now() - t;
      }
      rates.plain.push((BATCH * BATCHES) / (plainMs / 1000));
      rates.maintained.push((BATCH * BATCHES) / (keptMs / 1000));
      console.log(
        `rep ${rep + 1}: plain ${rates.plain.at(-1)!.toFixed(0)}/s, with summaries and tiers ${rates.maintained.at(-1)!.toFixed(0)}/s`,
      );
    }
    console.log(
      `\n## Ingest, batches of ${BATCH} points (${KEYS.length} keys), ${REPS} x ${BATCHES} batches interleaved`,
    );
    console.log("| statement | points/s (median) | ratio |");
    console.log("|---|---|---|");
    console.log(`| INSERT of the points alone (before) | ${median(rates.plain).toFixed(0)} | 1.00 |`);
    console.log(
      `| insertPoints: points + summaries + tiers (now) | ${median(rates.maintained).toFixed(0)} | ${(median(rates.maintained) / median(rates.plain)).toFixed(2)} |`,
    );
  } finally {
    await db.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
