// `./seqlab test` (and `npm test`): makes sure PostgreSQL, Redis and Chromium are there, type-checks, builds the
// dashboard for the browser test, runs every Jest project once, and ends with "N passed, N failed".
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { canConnect, hasCommand, root, run, startEmbeddedPostgres, startPrivateRedis } from "./lib.mjs";

// Turbo would otherwise announce and attempt its telemetry upload on every run.
process.env.TURBO_TELEMETRY_DISABLED ??= "1";

const children = [];
const cleanup = () => children.forEach((c) => c.exitCode === null && c.kill("SIGTERM"));
process.on("exit", cleanup);
process.on("SIGINT", () => process.exit(130));

function hostPort(url, defaultPort) {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || defaultPort) };
}

async function main() {
  const tmp = path.join(root, ".data", "test");
  fs.mkdirSync(tmp, { recursive: true });
  const env = { ...process.env, CHECKPOINT_DISABLE: "1" };

  env.TEST_DATABASE_URL ??= "postgres://postgres@127.0.0.1:5432/test";
  const pg = hostPort(env.TEST_DATABASE_URL, 5432);
  if (!(await canConnect(pg.host, pg.port))) {
    console.warn(
      `\n!!! PostgreSQL is not reachable at ${pg.host}:${pg.port}: running the tests against the embedded PostgreSQL (PGlite) instead.\n`,
    );
    const dir = fs.mkdtempSync(path.join(tmp, "pg-"));
    const embedded = await startEmbeddedPostgres(dir);
    children.push(embedded.child);
    env.TEST_DATABASE_URL = embedded.url;
  }

  env.TEST_REDIS_URL ??= env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const rd = hostPort(env.TEST_REDIS_URL, 6379);
  if (!(await canConnect(rd.host, rd.port))) {
    console.warn(
      `\n!!! Redis is not reachable at ${rd.host}:${rd.port}: starting a private redis-server for the tests.\n`,
    );
    const dir = fs.mkdtempSync(path.join(tmp, "redis-"));
    const redis = await startPrivateRedis(dir, { appendOnly: false });
    children.push(redis.child);
    env.TEST_REDIS_URL = redis.url;
  }

  env.CHROMIUM_PATH ??= "/usr/bin/chromium";
  if (!fs.existsSync(env.CHROMIUM_PATH)) {
    if (process.getuid?.() === 0 && hasCommand("apt-get")) {
      console.warn("Chromium is missing: installing Debian's chromium for the browser test");
      run("sh", [
        "-c",
        "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null",
      ]);
    } else {
      console.error(
        `Chromium is missing at ${env.CHROMIUM_PATH}: install it (apt-get install -y chromium) or set CHROMIUM_PATH`,
      );
      process.exit(1);
    }
  }

  console.log("seqlab test: generating the Prisma client, type-checking, building the dashboard");
  run("npx", ["turbo", "run", "typecheck", "build", "--output-logs=errors-only"], { env });

  const results = path.join(tmp, "jest-results.json");
  fs.rmSync(results, { force: true });
  const jest = spawnSync(
    "npx",
    ["jest", "--json", `--outputFile=${results}`, "--maxWorkers=2", "--forceExit", ...process.argv.slice(2)],
    { stdio: "inherit", cwd: root, env },
  );
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  if (fs.existsSync(results)) {
    const summary = JSON.parse(fs.readFileSync(results, "utf8"));
    passed = summary.numPassedTests;
    failed = summary.numFailedTests + summary.numRuntimeErrorTestSuites;
    skipped = summary.numPendingTests + summary.numTodoTests;
  } else {
    failed = 1;
  }
  cleanup();
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
  process.exit(jest.status === 0 && failed === 0 && passed > 0 ? 0 : 1);
}

main().catch((error) => {
  console.error(error);
  console.log("0 passed, 1 failed");
  process.exit(1);
});
