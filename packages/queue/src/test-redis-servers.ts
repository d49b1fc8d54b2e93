import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { TrainingSettings, type JobPayload } from "@seqlab/contracts";
import IORedis from "ioredis";

/**
 * Throwaway Redis servers for tests and benchmarks: one node, or a Redis Cluster of `masters` nodes, each a
 * redis-server child process on loopback with its data in a temp dir. Exported as `@seqlab/queue/testing`.
 */
export interface TestRedisServers {
  /** A REDIS_URL for them: `redis://127.0.0.1:P` or `redis+cluster://127.0.0.1:P1,127.0.0.1:P2,...`. */
  url: string;
  /** The nodes' client ports. */
  ports: number[];
  /** Kills the servers and removes their temp dir; safe to call twice, and after a failed start. */
  stop(): Promise<void>;
}

/** True when redis-server and redis-cli (7.0+: `--cluster create`, `cluster-port`) can be run. */
export function redisBinariesAvailable(): boolean {
  return ["redis-server", "redis-cli"].every((bin) => spawnSync(bin, ["--version"]).status === 0);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `check` is true, polling every 100 ms; throws `what` after `timeoutMs`. */
async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

/** One command on a short-lived connection that gives up at once when the node is not there yet. */
async function command(port: number, ...args: string[]): Promise<string> {
  const redis = new IORedis({
    host: "127.0.0.1",
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on("error", () => undefined);
  try {
    await redis.connect();
    return String(await redis.call(args[0]!, ...args.slice(1)));
  } finally {
    redis.disconnect();
  }
}

function run(bin: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0 ? resolve(output) : reject(new Error(`${bin} ${args.join(" ")} exited ${code}:\n${output}`)),
    );
  });
}

/**
 * Starts one Redis (`masters: 1, cluster: false`) or a Redis Cluster of `masters` nodes without replicas
 * (`redis-cli --cluster create ... --cluster-replicas 0`), and waits until every node reports cluster_state:ok and
 * knows all the others. Persistence is off: these servers live for one test file.
 */
export async function startTestRedisServers(options: {
  cluster: boolean;
  masters?: number;
}): Promise<TestRedisServers> {
  const masters = options.masters ?? (options.cluster ? 3 : 1);
  if (options.cluster && masters < 3) throw new Error("redis-cli --cluster create needs at least 3 masters");
  const dir = mkdtempSync(path.join(tmpdir(), "seqlab-redis-"));
  const children: ChildProcess[] = [];
  const ports: number[] = [];
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            // SIGTERM lets redis-server exit at once (nothing to save); SIGKILL if it has not within 2 s.
            const force = setTimeout(() => child.kill("SIGKILL"), 2_000);
            child.once("exit", () => {
              clearTimeout(force);
              resolve();
            });
            child.kill("SIGTERM");
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < masters; i++) {
      const port = await freePort();
      ports.push(port);
      const args = ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no"];
      args.push("--daemonize", "no", "--logfile", path.join(dir, `redis-${port}.log`));
      if (options.cluster) {
        // The bus port defaults to port + 10000, which nobody checked is free: pick one that is.
        const busPort = await freePort();
        args.push("--cluster-enabled", "yes", "--cluster-config-file", `nodes-${port}.conf`);
        args.push("--cluster-port", String(busPort), "--cluster-node-timeout", "5000");
      }
      children.push(spawn("redis-server", args, { stdio: "ignore" }));
    }
    for (const port of ports)
      await waitFor(`redis-server on port ${port}`, 10_000, async () => (await command(port, "PING")) === "PONG");
    if (options.cluster) {
      const nodes = ports.map((p) => `127.0.0.1:${p}`);
      await run("redis-cli", ["--cluster", "create", ...nodes, "--cluster-replicas", "0", "--cluster-yes"]);
      for (const port of ports)
        await waitFor(`cluster_state:ok on port ${port}`, 20_000, async () => {
          const info = await command(port, "CLUSTER", "INFO");
          return info.includes("cluster_state:ok") && info.includes(`cluster_known_nodes:${masters}`);
        });
    }
    const url = options.cluster
      ? `redis+cluster://${ports.map((p) => `127.0.0.1:${p}`).join(",")}`
      : `redis://127.0.0.1:${ports[0]}`;
    return { url, ports, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A "run.train" payload for queue tests and benchmarks: a small valid config, so only the queueing is exercised. */
export function trainJobPayload(runId: string): JobPayload<"run.train"> {
  return {
    runId,
    config: {
      model: "rnn",
      modelHyperparameters: {},
      dataset: "adding",
      datasetParams: {},
      training: TrainingSettings.parse({}),
      seed: 1,
    },
  };
}
