/**
 * Series at scale: a 1,000,000-point metric to 1000 buckets, this checkout's GET /api/runs/:id/series (aligned
 * buckets from the stored tiers, in SQL) against the earlier checkout's GET /api/runs/:id/metrics?max=1000 (every
 * point loaded into Node, then thinned), side by side, interleaved rep by rep, each server on its own database
 * holding the same series. For each request: the response time on loopback, the web server's RSS growth (sampled
 * every 10 ms while it runs), and the slowest GET /api/health answered meanwhile. Then 4 such requests at once.
 *
 *   npx tsx bench/series-figures.ts --before <checkout>   (a git worktree of the earlier commit, npm ci'd and built)
 *
 * The current server's points go through MetricRepository.insertPoints (the worker's path, which maintains the
 * summaries and tiers); the earlier one's through one INSERT ... SELECT generate_series (it has no tiers to keep).
 * Needs PostgreSQL (TEST_DATABASE_URL), Redis (TEST_REDIS_URL) and production builds of both dashboards.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { createPrismaClient, MetricRepository } from "@seqlab/db";
import { signIn } from "@seqlab/launcher/signed-in-client";
import { databaseFor, rssMiB, startServer, type Server } from "./servers";

const ROOT = path.resolve(__dirname, "..");
const POINTS = Number(process.env.SERIES_POINTS ?? 1_000_000);
const REPS = 5;
const T0 = Date.UTC(2026, 11, 1);

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
const value = (step: number) => Math.exp(-step / 200_000) + 0.05 * Math.sin(step / 37) + (step % 9973 === 0 ? 3 : 0);

const LAUNCH = {
  model: "rnn",
  dataset: "adding",
  modelHyperparameters: { units: 4 },
  datasetParams: { length: 5 },
  training: { steps: 1, batchSize: 2 },
};

interface Measured {
  ms: number;
  /** The server's own time for the series (Server-Timing), null for the earlier endpoint, which sends none. */
  serverMs: number | null;
  rssGrowthMiB: number;
  slowestHealthMs: number;
  bytes: number;
}

/** One request with RSS sampling and a health probe loop beside it. */
async function measure(server: Server, url: string, headers: Record<string, string>): Promise<Measured> {
  const pid = server.child.pid!;
  const rss0 = rssMiB(pid);
  let peak = rss0;
  let slowestHealth = 0;
  let running = true;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(pid))), 10);
  const probe = (async () => {
    while (running) {
      const t = performance.now();
      await fetch(`${server.base}/api/health`).then((r) => r.arrayBuffer());
      slowestHealth = Math.max(slowestHealth, performance.now() - t);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const t = performance.now();
  const response = await fetch(`${server.base}${url}`, { headers });
  const body = await response.arrayBuffer();
  const ms = performance.now() - t;
  if (response.status !== 200) throw new Error(`${url}: ${response.status} ${Buffer.from(body).toString()}`);
  running = false;
  await probe;
  clearInterval(sampler);
  peak = Math.max(peak, rssMiB(pid));
  const timing = /dur=([\d.]+)/.exec(response.headers.get("server-timing") ?? "");
  return {
    ms,
    serverMs: timing ? Number(timing[1]) : null,
    rssGrowthMiB: peak - rss0,
    slowestHealthMs: slowestHealth,
    bytes: body.byteLength,
  };
}

async function concurrent(server: Server, url: string, headers: Record<string, string>, n: number) {
  return Promise.all(
    Array.from({ length: n }, async () => {
      const t = performance.now();
      const r = await fetch(`${server.base}${url}`, { headers });
      await r.arrayBuffer();
      return performance.now() - t;
    }),
  );
}

async function main() {
  const { values } = parseArgs({ options: { before: { type: "string" } } });
  if (!values.before) throw new Error("--before <checkout of the earlier commit> is required");
  const beforeDb = await databaseFor(path.resolve(values.before));
  const currentDb = await databaseFor(ROOT);
  const before = await startServer("before", path.resolve(values.before), beforeDb.url);
  const current = await startServer("current", ROOT, currentDb.url);
  try {
    // The same run and series on both.
    const launchedBefore = await fetch(`${before.base}/api/runs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(LAUNCH),
    });
    const beforeRun = ((await launchedBefore.json()) as { run: { id: string } }).run.id;
    const client = await signIn(current.base);
    const launched = await client.fetch("/api/runs", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(LAUNCH),
    });
    const currentRun = ((await launched.json()) as { run: { id: string } }).run.id;

    const t0 = performance.now();
    const raw = new pg.Client({ connectionString: beforeDb.url });
    await raw.connect();
    await raw.query(
      `INSERT INTO "MetricPoint" ("runId", key, step, value, "wallTime")
       SELECT $1, 'loss', s, exp(-s / 200000.0) + 0.05 * sin(s / 37.0) + CASE WHEN s % 9973 = 0 THEN 3 ELSE 0 END,
              to_timestamp(($2::bigint + s * 10) / 1000.0) AT TIME ZONE 'UTC'
       FROM generate_series(0, $3::int - 1) AS s`,
      [beforeRun, T0, POINTS],
    );
    await raw.end();
    const prisma = createPrismaClient({ databaseUrl: currentDb.url, poolSize: 2 });
    const metrics = new MetricRepository(prisma);
    for (let start = 0; start < POINTS; start += 10_000) {
      const batch = Array.from({ length: Math.min(10_000, POINTS - start) }, (_, i) => ({
        key: "loss",
        step: start + i,
        value: value(start + i),
        wallTime: T0 + (start + i) * 10,
      }));
      await metrics.insertPoints(currentRun, batch);
    }
    await prisma.$disconnect();
    console.log(`seeded ${POINTS} points into each database in ${((performance.now() - t0) / 1000).toFixed(0)} s`);

    const beforeUrl = `/api/runs/${beforeRun}/metrics?max=1000`;
    const currentUrl = `/api/runs/${currentRun}/series?keys=loss&buckets=1000`;
    const cookie = { cookie: client.cookie };
    // Warm both routes (compilation of route modules, connection pools) on a small request.
    await fetch(`${before.base}/api/runs/${beforeRun}/metrics?max=10`).then((r) => r.arrayBuffer());
    await client.fetch(`/api/runs/${currentRun}/series?keys=loss&buckets=10`).then((r) => r.arrayBuffer());

    const results: { before: Measured[]; current: Measured[] } = { before: [], current: [] };
    for (let rep = 0; rep < REPS; rep++) {
      results.before.push(await measure(before, beforeUrl, {}));
      results.current.push(await measure(current, currentUrl, cookie));
      console.log(
        `rep ${rep + 1}: before ${results.before.at(-1)!.ms.toFixed(0)} ms, now ${results.current.at(-1)!.ms.toFixed(1)} ms`,
      );
    }
    const fourBefore = await concurrent(before, beforeUrl, {}, 4);
    const fourCurrent = await concurrent(current, currentUrl, cookie, 4);

    const range = (v: number[]) =>
      `${median(v).toFixed(1)} ms (${Math.min(...v).toFixed(1)}-${Math.max(...v).toFixed(1)})`;
    const row = (label: string, m: Measured[]) => {
      const server = m.every((x) => x.serverMs !== null) ? range(m.map((x) => x.serverMs!)) : "-";
      return `| ${label} | ${range(m.map((x) => x.ms))} | ${server} | ${median(m.map((x) => x.rssGrowthMiB)).toFixed(1)} MiB | ${median(m.map((x) => x.slowestHealthMs)).toFixed(0)} ms | ${(median(m.map((x) => x.bytes)) / 1024).toFixed(0)} KiB |`;
    };
    console.log(
      `\n## A ${POINTS.toLocaleString("en")}-point series to about 1000 points, ${REPS} reps interleaved: median`,
    );
    console.log(
      "| endpoint | response time on loopback (range) | server time for the series (Server-Timing) | web RSS growth | slowest /api/health meanwhile | body |",
    );
    console.log("|---|---|---|---|---|---|");
    console.log(row("before: GET /metrics?max=1000 (all points into Node, thinned)", results.before));
    console.log(row("now: GET /series?buckets=1000 (aligned buckets from the tiers, in SQL)", results.current));
    const ratio = median(results.before.map((x) => x.ms)) / median(results.current.map((x) => x.ms));
    console.log(`\nnow is ${ratio.toFixed(0)}x faster at the median`);
    const fmt = (v: number[]) => v.map((x) => x.toFixed(0)).join(", ");
    console.log(`4 at once: before ${fmt(fourBefore)} ms each; now ${fmt(fourCurrent)} ms each`);
  } finally {
    await before.stop();
    await current.stop();
    await beforeDb.drop();
    await currentDb.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
