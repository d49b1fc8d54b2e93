/**
 * Runs the embedded PostgreSQL in the foreground until SIGTERM/SIGINT (the platform launcher spawns it as a
 * child process):
 *
 *   tsx scripts/embedded-postgres.ts <dataDir> [port]      port 0 or absent = pick a free one
 *
 * Prints one line `EMBEDDED_POSTGRES_URL=postgres://...` on stdout once it accepts connections (the launcher
 * waits for it), then logs only errors.
 */
import { startEmbeddedPostgres } from "../src/embedded";

async function main(): Promise<void> {
  const [dataDir, portArg] = process.argv.slice(2);
  if (!dataDir) throw new Error("usage: embedded-postgres <dataDir> [port]");
  const port = portArg ? Number(portArg) : 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port ${portArg}`);
  const pg = await startEmbeddedPostgres({ dataDir, port });
  if (pg.appliedMigrationNames.length) console.error(`applied migrations: ${pg.appliedMigrationNames.join(", ")}`);
  console.log(`EMBEDDED_POSTGRES_URL=${pg.url}`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    pg.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`embedded postgres: stop after ${signal} failed:`, error);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
