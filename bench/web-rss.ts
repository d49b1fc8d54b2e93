/**
 * The dashboard server's resident memory at idle, this checkout against an earlier one, side by side in one run.
 *
 *   npx tsx bench/web-rss.ts --before <checkout>     (a git worktree of the baseline commit, npm ci'd and built)
 *
 * Each rep starts a server, reads its RSS once it answers /api/health ("started"), then requests every page and the
 * catalog API once (what loads the modules a user's first visit loads), lets it idle for IDLE_MS and reads RSS again
 * ("idle after first use"); the current checkout signs in first (its pages need an account) and visits the same
 * pages under their team. Baseline and current alternate rep by rep. The baseline runs `next start` (how that
 * commit served the dashboard); the current one runs apps/web/server.mjs.
 *
 * Needs PostgreSQL (TEST_DATABASE_URL) and Redis (TEST_REDIS_URL).
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { applyPendingMigrations } from "@seqlab/db/migrate";
import { HEADLESS_ADMIN, signIn } from "@seqlab/launcher/signed-in-client";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const SERVER_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const ROOT = path.resolve(__dirname, "..");
/** Reps per checkout; the figure is their median. */
const REPS = 5;
/** Quiet time before the idle reading: long enough for start-up work and GC to settle. */
const IDLE_MS = 10_000;
/** The baseline's pages; it had no accounts. */
const BASELINE_PAGES = ["/", "/runs/new", "/workers", "/api/catalog", "/api/runs", "/api/workers", "/api/health"];
/** The same pages now that they sit under a team (`{team}`), plus sign-in and settings, visited signed in. */
const CURRENT_PAGES = [
  "/sign-in",
  "/t/{team}",
  "/t/{team}/p/default/new",
  "/t/{team}/settings",
  "/settings",
  "/workers",
  "/api/catalog",
  "/api/runs",
  "/api/workers",
  "/api/health",
];

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

function rssMiB(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]);
  return kb / 1024;
}

async function measure(
  kind: "baseline" | "current",
  checkout: string,
  databaseUrl: string,
): Promise<{ started: number; idle: number }> {
  const port = await freePort();
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    SEQLAB_QUEUE_PREFIX: "bench-rss",
    NODE_ENV: "production",
  };
  const child =
    kind === "baseline"
      ? spawn(
          process.execPath,
          [path.join(checkout, "node_modules/next/dist/bin/next"), "start", "-p", String(port), "-H", "127.0.0.1"],
          {
            cwd: path.join(checkout, "apps/web"),
            env,
            stdio: "ignore",
          },
        )
      : spawn(process.execPath, ["apps/web/server.mjs"], {
          cwd: checkout,
          env: {
            ...env,
            PORT: String(port),
            HOST: "127.0.0.1",
            SEQLAB_URL: `http://127.0.0.1:${port}`,
            SEQLAB_AUTH_SECRET: "bench-web-rss-secret-bench-web-rss-secret",
            SEQLAB_ADMIN_EMAIL: HEADLESS_ADMIN.email,
            SEQLAB_ADMIN_PASSWORD: HEADLESS_ADMIN.password,
          },
          stdio: "ignore",
        });
  const base = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; i < 600; i++) {
      if (
        await fetch(`${base}/api/health`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const started = rssMiB(child.pid!);
    let visit = (page: string) => fetch(`${base}${page}`);
    let pages = BASELINE_PAGES;
    if (kind === "current") {
      const client = await signIn(base);
      // "/" redirects to the caller's team; its slug depends on whether the baseline created a team first.
      const home = await client.fetch("/");
      const team = /\/t\/([^/]+)/.exec(new URL(home.url).pathname)?.[1];
      if (!team) throw new Error(`current: / led to ${home.url}, not to a team`);
      visit = (page) => client.fetch(page);
      pages = CURRENT_PAGES.map((p) => p.replace("{team}", team));
    }
    for (const page of pages) {
      const r = await visit(page);
      if (!r.ok) throw new Error(`${kind}: ${page} answered ${r.status}`);
      await r.arrayBuffer();
    }
    await new Promise((r) => setTimeout(r, IDLE_MS));
    return { started, idle: rssMiB(child.pid!) };
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { before: { type: "string" } } });
  if (!values.before) throw new Error("usage: npx tsx bench/web-rss.ts --before <checkout of the baseline commit>");
  const before = path.resolve(values.before);
  // One database both checkouts can serve (their schemas are the same migrations).
  const database = `seqlab_rss_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${database}"`);
  const url = new URL(SERVER_URL);
  url.pathname = `/${database}`;
  try {
    await applyPendingMigrations(url.toString());
    const results = {
      baseline: [] as { started: number; idle: number }[],
      current: [] as { started: number; idle: number }[],
    };
    for (let rep = 0; rep < REPS; rep++) {
      results.baseline.push(await measure("baseline", before, url.toString()));
      results.current.push(await measure("current", ROOT, url.toString()));
    }
    const row = (name: string, r: { started: number; idle: number }[]) =>
      `| ${name} | ${median(r.map((x) => x.started)).toFixed(0)} MiB | ${median(r.map((x) => x.idle)).toFixed(0)} MiB |`;
    console.log(
      `\n## Web server RSS (median of ${REPS}, alternating), idle ${IDLE_MS / 1000} s after one visit of every page\n`,
    );
    console.log("| checkout | RSS when it answers | RSS at idle after first use |");
    console.log("|---|---|---|");
    console.log(row(`baseline (${path.basename(before)})`, results.baseline));
    console.log(row("current", results.current));
    const ratio = median(results.current.map((x) => x.idle)) / median(results.baseline.map((x) => x.idle));
    console.log(`\ncurrent / baseline at idle: ${ratio.toFixed(2)}`);
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.end();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
