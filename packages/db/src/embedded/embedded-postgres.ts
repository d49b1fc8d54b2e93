import { mkdir } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import { applyMigrations } from "../migrate/engine-commands";
import { PgliteWireServer } from "./pglite-wire-server";

/** Options of {@link startEmbeddedPostgres}. */
export interface EmbeddedPostgresOptions {
  /** Folder holding the database files; created if missing, reused (and migrated) if present. */
  dataDir: string;
  /** TCP port on 127.0.0.1; 0 picks a free one. Default: 0. */
  port?: number;
  /** Apply the committed migrations before serving. Default: true. */
  migrate?: boolean;
  /** Folder of committed migrations. Default: prisma/migrations at the repository root. */
  migrationsDir?: string;
  /** Roll back and disconnect a client idle inside a transaction this long. Default: 60 000 ms. */
  idleInTransactionTimeoutMs?: number;
}

/** A running embedded PostgreSQL. */
export interface EmbeddedPostgres {
  /** postgres:// URL for adapter-pg / createPrismaClient (user postgres, database postgres, no password). */
  url: string;
  /** The bound port. */
  port: number;
  /** Migrations applied at start (empty when the folder was already up to date). */
  appliedMigrationNames: string[];
  /** Closes every connection (rolling back open transactions), stops listening and closes the database. */
  stop(): Promise<void>;
}

/**
 * Runs PGlite (PostgreSQL 17 in wasm) persisted in `dataDir` and serves it over the PostgreSQL wire protocol on
 * 127.0.0.1, after applying the committed migrations, so the web app and worker processes share it with a
 * normal postgres:// URL and no PostgreSQL install. Queries from all connections are serialised (PGlite is one
 * session; see {@link PgliteWireServer}), which suits a single-user install, not a loaded server.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  await mkdir(options.dataDir, { recursive: true });
  const db = await PGlite.create({ dataDir: options.dataDir });
  try {
    const appliedMigrationNames =
      options.migrate === false
        ? []
        : (
            await applyMigrations({
              pglite: db,
              ...(options.migrationsDir ? { migrationsDir: options.migrationsDir } : {}),
            })
          ).appliedMigrationNames;
    const server = new PgliteWireServer({
      db,
      host: "127.0.0.1",
      port: options.port ?? 0,
      ...(options.idleInTransactionTimeoutMs !== undefined
        ? { idleInTransactionTimeoutMs: options.idleInTransactionTimeoutMs }
        : {}),
    });
    const port = await server.start();
    let stopped: Promise<void> | undefined;
    return {
      url: `postgres://postgres@127.0.0.1:${port}/postgres`,
      port,
      appliedMigrationNames,
      stop: () =>
        (stopped ??= (async () => {
          await server.stop();
          await db.close();
        })()),
    };
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
}
