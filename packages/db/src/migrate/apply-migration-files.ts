import { randomUUID } from "node:crypto";
import type pg from "pg";
import { DEFAULT_MIGRATIONS_DIR, readMigrationFiles } from "./migration-files";

/** Prisma's own `_prisma_migrations` DDL, so the engine (status, drift, deploy) reads what this writes. */
const MIGRATIONS_TABLE_DDL = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

/** Options of {@link applyMigrationFiles}. */
export interface ApplyMigrationFilesOptions {
  /** Folder of committed migrations. Default: prisma/migrations at the repository root. */
  migrationsDir?: string;
}

/**
 * Applies the committed migration SQL files in order on one pg client, with the same `_prisma_migrations`
 * bookkeeping (id, SHA-256 checksum, timestamps, one step) as the engine, each migration and its record in one
 * transaction. For test schemas: it skips the wasm engine's start-up, so a fresh schema costs one round of
 * DDL. The caller sets `search_path` on the client to pick the schema. Returns the names it applied.
 *
 * Differs from `applyMigrations`: no advisory lock (one test owns its schema), and a failed migration leaves
 * no row (the transaction rolls back) instead of a failed one.
 */
export async function applyMigrationFiles(
  client: pg.ClientBase,
  options: ApplyMigrationFilesOptions = {},
): Promise<string[]> {
  const files = await readMigrationFiles(options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  await client.query(MIGRATIONS_TABLE_DDL);
  const done = await client.query<{ migration_name: string }>(
    `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
  );
  const applied = new Set(done.rows.map((r) => r.migration_name));
  const names: string[] = [];
  for (const file of files) {
    if (applied.has(file.name)) continue;
    await client.query("BEGIN");
    try {
      await client.query(file.sql);
      await client.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
         VALUES ($1, $2, $3, now(), now(), 1)`,
        [randomUUID(), file.checksum, file.name],
      );
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK");
      throw new Error(`migration ${file.name} failed: ${(error as Error).message}`, { cause: error });
    }
    names.push(file.name);
  }
  return names;
}
