// Helpers shared by the launcher and the test runner: free ports, waiting for services, child processes.
import { spawn, spawnSync } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** A TCP port nobody listens on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** True when something accepts TCP connections on host:port within `timeoutMs`. */
export function canConnect(host, port, timeoutMs = 500) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/** Waits until host:port accepts connections, or throws after `timeoutMs`. */
export async function waitForPort(host, port, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await canConnect(host, port)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not start listening on ${host}:${port} within ${timeoutMs / 1000} s`);
}

/** Whether a command exists on PATH. */
export function hasCommand(command) {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

/** Runs a command to completion with inherited output; throws on a non-zero exit. */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: "inherit", cwd: root, ...options });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(" ")} exited with ${result.status ?? result.signal}`);
}

/** Starts a long-running child whose output is prefixed with its name. */
export function startChild(name, command, args, options = {}) {
  const child = spawn(command, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"], ...options });
  const prefix = (stream, out) => {
    let buffered = "";
    stream.on("data", (chunk) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) out.write(`[${name}] ${line}\n`);
    });
  };
  prefix(child.stdout, process.stdout);
  prefix(child.stderr, process.stderr);
  return child;
}

export const REDIS_INSTALL_HINT =
  "redis-server is not installed: install it (Debian/Ubuntu: `sudo apt-get install -y redis-server`; macOS: `brew install redis`) " +
  "or run `docker compose -f infra/compose.yaml up redis` and set REDIS_URL=redis://127.0.0.1:6379";

/** Starts a private redis-server with its data (append-only file on) under `dir`. */
export async function startPrivateRedis(dir, { appendOnly = true } = {}) {
  if (!hasCommand("redis-server")) {
    console.error(REDIS_INSTALL_HINT);
    process.exit(1);
  }
  const port = await freePort();
  const child = startChild("redis", "redis-server", [
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
    "--logfile",
    "",
  ]);
  await waitForPort("127.0.0.1", port, 10_000, "redis-server");
  return { url: `redis://127.0.0.1:${port}`, child };
}

/** Starts the embedded PostgreSQL (PGlite over the wire protocol) with its data under `dir`; migrations applied. */
export async function startEmbeddedPostgres(dir) {
  const port = await freePort();
  const child = startChild("postgres", process.execPath, [
    "--import",
    "tsx",
    "packages/db/scripts/embedded-postgres.ts",
    dir,
    String(port),
  ]);
  await waitForPort("127.0.0.1", port, 120_000, "embedded PostgreSQL");
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, child };
}
