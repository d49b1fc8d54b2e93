/**
 * The teams issue's figures, each beside a baseline measured in the same run:
 *  1. sign-in latency (POST /api/auth/sign-in/email, the password check included), against GET /api/health on the
 *     same server;
 *  2. GET /api/runs requests per second with authentication (a session cookie; an API key), against the same route
 *     of the checkout before accounts existed (anonymous), both serving 200 runs, interleaved rep by rep;
 *  3. 1000 live-stream (SSE) connection attempts: accepted, refused (with the status), and the server's resident
 *     memory, against the earlier checkout, which accepted every one.
 *
 *   npx tsx bench/teams-figures.ts --before <checkout>   (a git worktree of the earlier commit, npm ci'd and built)
 *
 * Needs PostgreSQL (TEST_DATABASE_URL), Redis (TEST_REDIS_URL) and production builds of both dashboards.
 */
import http from "node:http";
import path from "node:path";
import { parseArgs } from "node:util";
import { createTestDatabase } from "@seqlab/db/testing";
import { HEADLESS_ADMIN, signIn, type SignedInClient } from "@seqlab/launcher/signed-in-client";
import { databaseFor, rssMiB, startServer, type Server } from "./servers";

const ROOT = path.resolve(__dirname, "..");
const RUNS = 200;
const LIST_REPS = 3;
const LIST_SECONDS = 8;
const LIST_CONCURRENCY = 8;
const SIGN_INS = 40;
const SSE_ATTEMPTS = 1000;

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};
const median = (v: number[]) => quantile(v, 0.5);

const LAUNCH = JSON.stringify({
  model: "rnn",
  dataset: "adding",
  modelHyperparameters: { units: 4 },
  datasetParams: { length: 5 },
  training: { steps: 1, batchSize: 2 },
});

async function seed(post: (body: string) => Promise<Response>): Promise<void> {
  for (let i = 0; i < RUNS; i++) {
    const r = await post(LAUNCH);
    if (r.status !== 201) throw new Error(`seeding: launch answered ${r.status} ${await r.text()}`);
  }
}

/** Requests per second of GET `path` from LIST_CONCURRENCY loops for LIST_SECONDS; every answer must be a 200. */
async function throughput(base: string, pathname: string, headers: Record<string, string>): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: LIST_CONCURRENCY });
  const url = new URL(pathname, base);
  const get = () =>
    new Promise<void>((resolve, reject) => {
      const req = http.get(url, { agent, headers }, (res) => {
        res.resume();
        res.on("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(`${pathname}: ${res.statusCode}`))));
      });
      req.on("error", reject);
    });
  for (let i = 0; i < 20; i++) await get(); // warm the route
  let done = 0;
  const deadline = performance.now() + LIST_SECONDS * 1000;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: LIST_CONCURRENCY }, async () => {
      while (performance.now() < deadline) {
        await get();
        done++;
      }
    }),
  );
  const rate = done / ((performance.now() - start) / 1000);
  agent.destroy();
  return rate;
}

/** One SSE attempt: resolves with the status, and keeps an accepted stream open until `close` is called. */
function openStream(
  base: string,
  pathname: string,
  headers: Record<string, string>,
): Promise<{ status: number; close(): void }> {
  return new Promise((resolve, reject) => {
    const req = http.get(new URL(pathname, base), { agent: false, headers }, (res) => {
      if (res.statusCode !== 200) res.resume();
      resolve({ status: res.statusCode ?? 0, close: () => req.destroy() });
    });
    req.on("error", reject);
  });
}

interface SseResult {
  accepted: number;
  refused: Record<string, number>;
  idleMiB: number;
  openMiB: number;
}

/** SSE_ATTEMPTS attempts at once, spread over `callers` (header sets); counts answers and reads the server's RSS. */
async function sseAttempts(server: Server, pathname: string, callers: Record<string, string>[]): Promise<SseResult> {
  await new Promise((r) => setTimeout(r, 2000));
  const idleMiB = rssMiB(server.child.pid!);
  const streams = await Promise.all(
    Array.from({ length: SSE_ATTEMPTS }, (_, i) => openStream(server.base, pathname, callers[i % callers.length]!)),
  );
  await new Promise((r) => setTimeout(r, 3000));
  const openMiB = rssMiB(server.child.pid!);
  const refused: Record<string, number> = {};
  let accepted = 0;
  for (const s of streams) {
    if (s.status === 200) accepted++;
    else refused[s.status] = (refused[s.status] ?? 0) + 1;
  }
  for (const s of streams) s.close();
  await new Promise((r) => setTimeout(r, 1500));
  return { accepted, refused, idleMiB, openMiB };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { before: { type: "string" } } });
  if (!values.before)
    throw new Error("usage: npx tsx bench/teams-figures.ts --before <checkout of the earlier commit>");
  const beforeCheckout = path.resolve(values.before);
  const beforeDb = await databaseFor(beforeCheckout);
  const currentDb = await createTestDatabase();
  const before = await startServer("before", beforeCheckout, beforeDb.url);
  const current = await startServer("current", ROOT, currentDb.url);
  try {
    const client: SignedInClient = await signIn(current.base);
    const key = (await (
      await client.fetch("/api/account/api-keys", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "bench" }),
      })
    ).json()) as { key: string };
    const bearer = { authorization: `Bearer ${key.key}` };
    await seed((body) =>
      fetch(`${before.base}/api/runs`, { method: "POST", headers: { "content-type": "application/json" }, body }),
    );
    await seed((body) =>
      client.fetch("/api/runs", { method: "POST", headers: { "content-type": "application/json" }, body }),
    );

    // 3. 1000 SSE attempts (first, so that the memory readings start from servers that only served the seeding):
    // the earlier checkout (anonymous), one user, and 50 users.
    const sseBefore = await sseAttempts(before, "/api/runs/stream", [{}]);
    const sseOneUser = await sseAttempts(current, "/api/runs/stream", [{ cookie: client.cookie }]);
    const users: Record<string, string>[] = [];
    for (let i = 0; i < 50; i++) {
      const email = `sse-${i}@example.com`;
      const r = await fetch(`${current.base}/api/account/sign-up`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: current.base },
        body: JSON.stringify({ email, name: `sse ${i}`, password: "sse bench password" }),
      });
      if (r.status !== 201) throw new Error(`sign-up ${email}: ${r.status} ${await r.text()}`);
      users.push({
        cookie: r.headers
          .getSetCookie()
          .map((c) => c.split(";")[0])
          .join("; "),
      });
    }
    const sseManyUsers = await sseAttempts(current, "/api/runs/stream", users);

    // 1. Sign-in latency against a health check on the same server.
    const signInMs: number[] = [];
    const healthMs: number[] = [];
    for (let i = 0; i < SIGN_INS; i++) {
      let t0 = performance.now();
      await signIn(current.base);
      signInMs.push(performance.now() - t0);
      t0 = performance.now();
      await (await fetch(`${current.base}/api/health`)).arrayBuffer();
      healthMs.push(performance.now() - t0);
    }

    // 2. Runs list throughput, interleaved.
    const rates = { before: [] as number[], cookie: [] as number[], key: [] as number[] };
    for (let rep = 0; rep < LIST_REPS; rep++) {
      rates.before.push(await throughput(before.base, "/api/runs", {}));
      rates.cookie.push(await throughput(current.base, "/api/runs", { cookie: client.cookie }));
      rates.key.push(await throughput(current.base, "/api/runs", bearer));
      console.error(
        `rep ${rep + 1}: before ${rates.before.at(-1)!.toFixed(0)}/s, cookie ${rates.cookie.at(-1)!.toFixed(0)}/s, key ${rates.key.at(-1)!.toFixed(0)}/s`,
      );
    }

    const ms = (v: number) => `${v.toFixed(1)} ms`;
    console.log("\n## Teams figures (same machine, same run)\n");
    console.log(`| measurement | seqlab now | baseline | ratio |`);
    console.log(`|---|---|---|---|`);
    console.log(
      `| sign-in, email + password (n=${SIGN_INS}): median; p95 | ${ms(median(signInMs))}; ${ms(quantile(signInMs, 0.95))} | GET /api/health on the same server: ${ms(median(healthMs))} | ${(median(signInMs) / median(healthMs)).toFixed(1)}x |`,
    );
    const fmtRate = (v: number[]) => `${median(v).toFixed(0)}/s (${v.map((x) => x.toFixed(0)).join(", ")})`;
    console.log(
      `| GET /api/runs (${RUNS} runs, ${LIST_CONCURRENCY} concurrent, ${LIST_REPS}x${LIST_SECONDS} s) with a session cookie | ${fmtRate(rates.cookie)} | before accounts, anonymous: ${fmtRate(rates.before)} | ${(median(rates.cookie) / median(rates.before)).toFixed(2)} |`,
    );
    console.log(
      `| GET /api/runs with an API key | ${fmtRate(rates.key)} | before accounts, anonymous: ${fmtRate(rates.before)} | ${(median(rates.key) / median(rates.before)).toFixed(2)} |`,
    );
    const fmtSse = (r: SseResult) =>
      `${r.accepted} accepted, refused ${
        Object.entries(r.refused)
          .map(([status, n]) => `${n} x ${status}`)
          .join(", ") || "none"
      }; RSS ${r.idleMiB.toFixed(0)} -> ${r.openMiB.toFixed(0)} MiB`;
    console.log(`\n## ${SSE_ATTEMPTS} simultaneous SSE attempts on /api/runs/stream\n`);
    console.log("| server, callers | result; server RSS idle -> with the streams open |");
    console.log("|---|---|");
    console.log(`| before accounts, anonymous | ${fmtSse(sseBefore)} |`);
    console.log(`| now, one user (cap 20 per user) | ${fmtSse(sseOneUser)} |`);
    console.log(`| now, 50 users x 20 (cap 500 in all) | ${fmtSse(sseManyUsers)} |`);
  } finally {
    await before.stop();
    await current.stop();
    await beforeDb.drop();
    await currentDb.drop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
