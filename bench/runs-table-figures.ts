/**
 * The runs table at scale: GET /api/runs over 10,000 runs, each with 32 config keys and 20 summary metrics, on the
 * production server. Three queries, interleaved request by request, REQUESTS of each:
 *  - baseline: the first page of the project newest first, no filter or sort (what the list served before);
 *  - filter + sort: a numeric config filter AND a summary filter AND a status, sorted by a summary metric's min,
 *    with 5 config and 5 summary columns;
 *  - a nested filter with OR, NOT, tags and a text match, sorted by a config key.
 * Reports p50 and p95 of the response time on loopback (the bar: p95 under 150 ms) and the matches.
 *
 *   npx tsx bench/runs-table-figures.ts
 *
 * The runs, configs and summaries are written by SQL straight into the database (what 10,000 trained runs leave
 * behind); the server reads them through the same repository as the dashboard. Needs PostgreSQL
 * (TEST_DATABASE_URL), Redis (TEST_REDIS_URL) and a production build of apps/web.
 */
import path from "node:path";
import pg from "pg";
import { TrainingSettings } from "@seqlab/contracts";
import { signIn } from "@seqlab/launcher/signed-in-client";
import { databaseFor, startServer } from "./servers";

const ROOT = path.resolve(__dirname, "..");
const RUNS = Number(process.env.TABLE_RUNS ?? 10_000);
const KEYS = 20;
const REQUESTS = 60;

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};

export async function seed(databaseUrl: string): Promise<void> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  const { rows } = await db.query<{ id: string; createdById: string }>(
    `SELECT p.id, m."userId" AS "createdById" FROM "Project" p JOIN "Membership" m ON m."teamId" = p."teamId" LIMIT 1`,
  );
  const project = rows[0]!;
  // 32 config keys: 10 model hyperparameters, 10 dataset parameters, the 10 training settings (learning rate, batch
  // size and steps varied), model, dataset and seed.
  await db.query(
    `INSERT INTO "Run" (id, "projectId", "createdById", name, status, "modelName", "datasetName", config, seed,
                        "lastStep", tags, "createdAt", "startedAt", "finishedAt", "updatedAt")
     SELECT 'bench' || lpad(i::text, 6, '0'), $1, $2, 'run-' || i,
            (ARRAY['SUCCEEDED','SUCCEEDED','SUCCEEDED','FAILED','RUNNING','CANCELLED'])[1 + i % 6]::"RunStatus",
            (ARRAY['rnn','lstm','gru','wavenet'])[1 + i % 4], (ARRAY['adding','copy','char-lm'])[1 + i % 3],
            jsonb_build_object(
              'model', (ARRAY['rnn','lstm','gru','wavenet'])[1 + i % 4],
              'dataset', (ARRAY['adding','copy','char-lm'])[1 + i % 3],
              'seed', i,
              'modelHyperparameters', (SELECT jsonb_object_agg('h' || k, (i * 7 + k) % 97) FROM generate_series(0, 9) k),
              'datasetParams', (SELECT jsonb_object_agg('d' || k, (i * 3 + k) % 31) FROM generate_series(0, 9) k),
              'training', $4::jsonb || jsonb_build_object('learningRate', power(10, -1 - (i % 40) / 10.0),
                                                         'batchSize', (ARRAY[16, 32, 64, 128])[1 + i % 4],
                                                         'steps', 1000 + (i % 10) * 500)),
            i, 1000 + i % 5000,
            CASE WHEN i % 10 = 0 THEN ARRAY['baseline'] WHEN i % 7 = 0 THEN ARRAY['sweep-a', 'long'] ELSE ARRAY[]::text[] END,
            now() - make_interval(secs => i * 60), now() - make_interval(secs => i * 60 - 5),
            now() - make_interval(secs => i * 60 - 300), now()
     FROM generate_series(1, $3::int) AS i`,
    // The training settings' defaults first, so every config is a valid resolved config (the run page parses it).
    [project.id, project.createdById, RUNS, JSON.stringify(TrainingSettings.parse({}))],
  );
  // 20 summary metrics per run: loss, val/loss and 18 others.
  await db.query(
    `INSERT INTO "MetricSummary" ("runId", key, last, min, max, "lastStep", count, "lastWallTime")
     SELECT r.id, k.key, abs(sin(r.seed * 13 + k.n)) , abs(sin(r.seed * 13 + k.n)) * 0.8, 1 + abs(cos(r.seed + k.n)),
            r."lastStep", r."lastStep", now()
     FROM "Run" r
     CROSS JOIN (SELECT n, CASE n WHEN 0 THEN 'loss' WHEN 1 THEN 'val/loss' ELSE 'metric/' || n END AS key
                 FROM generate_series(0, $1::int - 1) n) k
     WHERE r.id LIKE 'bench%'`,
    [KEYS],
  );
  await db.query("ANALYZE");
  await db.end();
}

async function main() {
  const database = await databaseFor(ROOT);
  const server = await startServer("current", ROOT, database.url);
  try {
    const client = await signIn(server.base); // creates the headless admin's team and project
    const t0 = performance.now();
    await seed(database.url);
    console.log(
      `seeded ${RUNS} runs x ${KEYS} summaries x 32 config keys in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    const columns =
      "config.modelHyperparameters.h1,config.modelHyperparameters.h2,config.training.learningRate,config.datasetParams.d3," +
      "config.training.batchSize,summary.loss,summary.val/loss.min,summary.metric/5,summary.metric/9.max,summary.loss.min";
    const queries = {
      "baseline: newest first, no filter": "/api/runs?limit=200",
      "filter + sort, 10 columns": `/api/runs?limit=200&filter=${encodeURIComponent(
        "config.training.learningRate < 0.005 AND summary.loss < 0.5 AND status = SUCCEEDED",
      )}&sort=${encodeURIComponent("-summary.val/loss.min")}&columns=${encodeURIComponent(columns)}`,
      "OR / NOT / tags / text, sorted by config": `/api/runs?limit=200&filter=${encodeURIComponent(
        "(tags = baseline OR model IN (gru, wavenet)) AND NOT (dataset ~ char) AND config.modelHyperparameters.h3 >= 40",
      )}&sort=${encodeURIComponent("config.modelHyperparameters.h3,-created")}&columns=${encodeURIComponent(columns)}`,
    };
    const times = new Map<string, number[]>(Object.keys(queries).map((k) => [k, []]));
    const totals = new Map<string, number>();
    for (const url of Object.values(queries)) await client.fetch(url).then((r) => r.arrayBuffer()); // warm up
    for (let i = 0; i < REQUESTS; i++) {
      for (const [name, url] of Object.entries(queries)) {
        const t = performance.now();
        const response = await client.fetch(url);
        const body = (await response.json()) as { total: number; runs: unknown[] };
        times.get(name)!.push(performance.now() - t);
        if (response.status !== 200) throw new Error(`${name}: ${response.status} ${JSON.stringify(body)}`);
        totals.set(name, body.total);
      }
    }
    console.log(`\n## GET /api/runs over ${RUNS.toLocaleString("en")} runs, ${REQUESTS} requests each, interleaved`);
    console.log("| query | matches | p50 | p95 | p95 / baseline p95 |");
    console.log("|---|---|---|---|---|");
    const baseline = quantile([...times.values()][0]!, 0.95);
    for (const [name, t] of times) {
      console.log(
        `| ${name} | ${totals.get(name)} | ${quantile(t, 0.5).toFixed(1)} ms | ${quantile(t, 0.95).toFixed(1)} ms | ${(quantile(t, 0.95) / baseline).toFixed(2)} |`,
      );
    }
  } finally {
    await server.stop();
    await database.drop();
  }
}

if (require.main === module)
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
