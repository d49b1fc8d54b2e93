// Helpers shared by the launcher and the test runner: free ports, waiting for services, child processes.
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import path from "node:path";

/** The repository root. */
export const root = path.resolve(__dirname, "..");

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** True when something accepts TCP connections on host:port within `timeoutMs`. */
export function canConnect(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/** Waits until host:port accepts connections, or throws after `timeoutMs`. */
export async function waitForPort(host: string, port: number, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await canConnect(host, port)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not start listening on ${host}:${port} within ${timeoutMs / 1000} s`);
}

/** Whether a command exists on PATH. */
export function hasCommand(command: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

/** Runs a command to completion with inherited output; throws on a non-zero exit. */
export function run(command: string, args: string[], options: SpawnOptions = {}): void {
  const result = spawnSync(command, args, { stdio: "inherit", cwd: root, ...options });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(" ")} exited with ${result.status ?? result.signal}`);
}

/** Prefixes each line a child writes with its name, so interleaved output stays readable. */
export function prefixOutput(name: string, child: ChildProcess, onLine?: (line: string) => void): void {
  const pipe = (stream: NodeJS.ReadableStream | null, out: NodeJS.WriteStream) => {
    let buffered = "";
    stream?.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        onLine?.(line);
        out.write(`[${name}] ${line}\n`);
      }
    });
  };
  pipe(child.stdout, process.stdout);
  pipe(child.stderr, process.stderr);
}

/**
 * Starts a long-running child whose output is prefixed with its name. It gets an IPC channel only so that it can
 * notice this process dying (see exit-with-parent.cjs), and is preloaded with that module when it is Node.
 */
export function startChild(
  name: string,
  command: string,
  args: string[],
  options: SpawnOptions & { onLine?: (line: string) => void } = {},
): ChildProcess {
  const node = command === process.execPath;
  const child = spawn(command, node ? ["--require", EXIT_WITH_PARENT, ...args] : args, {
    cwd: root,
    stdio: node ? ["ignore", "pipe", "pipe", "ipc"] : ["ignore", "pipe", "pipe"],
    ...options,
  });
  // The channel is a liveness wire, not a message route: it must not keep this process alive on its own.
  child.channel?.unref();
  prefixOutput(name, child, options.onLine);
  return child;
}

const EXIT_WITH_PARENT = path.join(__dirname, "exit-with-parent.cjs");

export const REDIS_INSTALL_HINT =
  "redis-server is not installed: install it (Debian/Ubuntu: `sudo apt-get install -y redis-server`; macOS: `brew install redis`) " +
  "or run `docker compose -f infra/compose.yaml up redis` and set REDIS_URL=redis://127.0.0.1:6379";

/** The redis-server command line for a private server with its files under `dir`. */
export function redisServerArgs(dir: string, port: number, { appendOnly = true } = {}): string[] {
  return [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--dir",
    dir,
    "--save",
    "",
    "--appendonly",
    appendOnly ? "yes" : "no",
    "--pidfile",
    path.join(dir, "redis.pid"),
    "--logfile",
    "",
  ];
}

/**
 * Stops a redis-server left running on `dir` by a launcher that was killed with -9: a second server on the same
 * append-only file would interleave writes with it.
 */
export async function stopOrphanRedis(dir: string): Promise<void> {
  const pidFile = path.join(dir, "redis.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, "utf8").trim());
  let command = "";
  try {
    command = readFileSync(`/proc/${pid}/cmdline`, "utf8");
  } catch {
    // Gone (or not Linux): nothing to stop.
  }
  if (command.includes("redis-server")) {
    console.log(`seqlab: stopping a redis-server (pid ${pid}) left running by an earlier start`);
    process.kill(pid, "SIGTERM");
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && existsSync(`/proc/${pid}`)) await new Promise((r) => setTimeout(r, 100));
  }
  rmSync(pidFile, { force: true });
}
