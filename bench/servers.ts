/**
 * Dashboards for benches that compare this checkout with an earlier one side by side: a production server of
 * either (the earlier one under `next start`, the current one as apps/web/server.mjs with a headless admin), each
 * on its own database migrated by its own migrations.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import pg from "pg";
import { HEADLESS_ADMIN } from "@seqlab/launcher/signed-in-client";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const SERVER_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export function rssMiB(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024;
}

/** Peak RSS (MiB) of `pid` while `work` runs, sampled every 20 ms. */
export async function peakRss<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; peak: number }> {
  let peak = rssMiB(pid);
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssMiB(pid));
    } catch {
      // The process has exited.
    }
  }, 20);
  try {
    const result = await work();
    return { result, peak };
  } finally {
    clearInterval(timer);
  }
}

export interface Server {
  base: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function startServer(
  kind: "before" | "current",
  checkout: string,
  databaseUrl: string,
  extraEnv: Record<string, string> = {},
): Promise<Server> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    SEQLAB_QUEUE_PREFIX: `bench-${randomUUID()}`,
    NODE_ENV: "production",
    ...extraEnv,
  };
  const child =
    kind === "before"
      ? spawn(
          process.execPath,
          [path.join(checkout, "node_modules/next/dist/bin/next"), "start", "-p", String(port), "-H", "127.0.0.1"],
          { cwd: path.join(checkout, "apps/web"), env, stdio: process.env.BENCH_SERVER_LOGS ? "inherit" : "ignore" },
        )
      : spawn(process.execPath, ["apps/web/server.mjs"], {
          cwd: checkout,
          env: {
            ...env,
            PORT: String(port),
            HOST: "127.0.0.1",
            SEQLAB_URL: base,
            SEQLAB_AUTH_SECRET: "bench-secret-bench-secret-bench-secret-0123",
            SEQLAB_ADMIN_EMAIL: HEADLESS_ADMIN.email,
            SEQLAB_ADMIN_PASSWORD: HEADLESS_ADMIN.password,
            // Seeding launches 200 runs and the latency loop signs in 40 times: the limits are measured elsewhere.
            SEQLAB_LAUNCHES_PER_MINUTE: "1000000",
            SEQLAB_SIGNIN_PER_IP_PER_MINUTE: "1000000",
            SEQLAB_SIGNIN_PER_ACCOUNT_PER_MINUTE: "1000000",
            SEQLAB_OPEN_SIGNUP: "true",
          },
          stdio: process.env.BENCH_SERVER_LOGS ? "inherit" : "ignore",
        });
  for (let i = 0; i < 600; i++) {
    const up = await fetch(`${base}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    child,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    },
  };
}

/** A database migrated by `checkout`'s own migrations (the earlier checkout has no account tables). */
export async function databaseFor(checkout: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `seqlab_bench_${Date.now().toString(36)}_${randomUUID().slice(0, 6)}`;
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  const migrated = spawnSync("npm", ["run", "migrate:deploy", "-w", "@seqlab/db"], {
    cwd: checkout,
    env: { ...process.env, DATABASE_URL: url.toString() },
    encoding: "utf8",
  });
  if (migrated.status !== 0) throw new Error(`migrating ${checkout}: ${migrated.stderr}`);
  return {
    url: url.toString(),
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    },
  };
}
