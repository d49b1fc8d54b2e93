// `./seqlab start`: the whole platform on one machine. Uses DATABASE_URL / REDIS_URL when set; otherwise
// starts an embedded PostgreSQL (PGlite) and a private redis-server with their data under .data/.
import fs from "node:fs";
import path from "node:path";
import {
  canConnect,
  freePort,
  root,
  run,
  startChild,
  startEmbeddedPostgres,
  startPrivateRedis,
  waitForPort,
} from "./lib.mjs";

// Turbo would otherwise announce and attempt its telemetry upload on every run.
process.env.TURBO_TELEMETRY_DISABLED ??= "1";

const started = Date.now();
const dataDir = path.resolve(root, process.env.SEQLAB_DATA_DIR ?? ".data");
const port = Number(process.env.PORT ?? 3000);
fs.mkdirSync(path.join(dataDir, "redis"), { recursive: true });
fs.mkdirSync(path.join(dataDir, "postgres"), { recursive: true });

const children = [];
let stopping = false;
async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  // Workers first (they checkpoint on SIGTERM), then the web app, then the services they use.
  for (const child of [...children].reverse()) child.kill("SIGTERM");
  // Up to 15 s for a worker to checkpoint and hand its run back, then whatever is left is killed.
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline && children.some((c) => c.exitCode === null && c.signalCode === null))
    await new Promise((r) => setTimeout(r, 100));
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  process.exit(code);
}
process.on("SIGINT", () => void stopAll(0));
process.on("SIGTERM", () => void stopAll(0));

function newestMtime(dir) {
  let newest = 0;
  if (!fs.existsSync(dir)) return 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === ".next" || entry.name === "generated") continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

async function main() {
  if (await canConnect("127.0.0.1", port)) {
    console.error(`port ${port} is in use: stop what runs there or set PORT=<another port>`);
    process.exit(1);
  }
  console.log("seqlab: generating the Prisma client");
  run("npm", ["run", "generate", "-w", "@seqlab/db", "--silent"]);

  let databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl) {
    console.log("seqlab: applying migrations to DATABASE_URL");
    run("npm", ["run", "migrate:deploy", "-w", "@seqlab/db", "--silent"], {
      env: { ...process.env, DATABASE_URL: databaseUrl },
    });
  } else {
    console.log(`seqlab: starting the embedded PostgreSQL (data in ${path.join(dataDir, "postgres")})`);
    const pg = await startEmbeddedPostgres(path.join(dataDir, "postgres"));
    children.push(pg.child);
    databaseUrl = pg.url;
  }

  let redisUrl = process.env.REDIS_URL;
  if (!redisUrl) {
    console.log(`seqlab: starting a private redis-server (append-only file in ${path.join(dataDir, "redis")})`);
    const redis = await startPrivateRedis(path.join(dataDir, "redis"));
    children.push(redis.child);
    redisUrl = redis.url;
  }

  const webDir = path.join(root, "apps/web");
  const buildId = path.join(webDir, ".next/BUILD_ID");
  const sources = Math.max(
    ...[
      "apps/web/src",
      "packages/contracts/src",
      "packages/db/src",
      "packages/queue/src",
      "packages/models/src",
      "packages/datasets/src",
    ].map((d) => newestMtime(path.join(root, d))),
  );
  if (!fs.existsSync(buildId) || fs.statSync(buildId).mtimeMs < sources) {
    console.log("seqlab: building the dashboard (first start, or sources changed)");
    run("npx", ["turbo", "run", "build", "--filter=@seqlab/web", "--output-logs=errors-only"]);
  }

  const env = { ...process.env, DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, PORT: String(port) };
  // Node runs Next directly (not through npx), so stopping this child stops the server itself.
  const nextBin = path.join(root, "node_modules/next/dist/bin/next");
  children.push(
    startChild("web", process.execPath, [nextBin, "start", "-p", String(port), "-H", "127.0.0.1"], {
      cwd: webDir,
      env,
    }),
  );
  // One worker process per GPU or core: SEQLAB_WORKERS (default 1) of them, each training one run at a time.
  const workerCount = Math.max(1, Number(process.env.SEQLAB_WORKERS ?? 1) || 1);
  for (let i = 0; i < workerCount; i++) {
    children.push(
      startChild(
        workerCount > 1 ? `worker-${i}` : "worker",
        process.execPath,
        ["--import", "tsx", "apps/worker/src/main.ts"],
        { env },
      ),
    );
  }
  for (const child of children)
    child.on(
      "exit",
      (code) => !stopping && (console.error(`a seqlab process exited (${code}); stopping`), void stopAll(1)),
    );

  await waitForPort("127.0.0.1", port, 120_000, "the dashboard");
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 300));
  }
  console.log(
    `\nseqlab is running at http://localhost:${port}  (ready in ${((Date.now() - started) / 1000).toFixed(1)} s; Ctrl-C stops everything)\n`,
  );
}

main().catch((error) => {
  console.error(`seqlab: ${error instanceof Error ? error.message : error}`);
  void stopAll(1);
});
