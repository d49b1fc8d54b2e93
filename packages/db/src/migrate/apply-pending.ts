import pg from "pg";
import { parseDatabaseUrl } from "../database-url";
import { applyMigrations } from "./engine-commands";
import { DEFAULT_MIGRATIONS_DIR, readMigrationFiles } from "./migration-files";

/**
 * Names of committed migrations the database has not finished applying. Reads `_prisma_migrations` directly:
 * a query, where asking the wasm schema engine costs its start-up (about a second on this machine).
 */
export async function pendingMigrationNames(
  databaseUrl: string,
  migrationsDir = DEFAULT_MIGRATIONS_DIR,
): Promise<string[]> {
  const files = await readMigrationFiles(migrationsDir);
  const { connectionString, schema } = parseDatabaseUrl(databaseUrl);
  const client = new pg.Client({ connectionString, ...(schema ? { options: `-c search_path="${schema}"` } : {}) });
  await client.connect();
  try {
    const table = await client.query(`SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS present`);
    if (!table.rows[0]?.present) return files.map((f) => f.name);
    const done = await client.query<{ migration_name: string }>(
      `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    const applied = new Set(done.rows.map((r) => r.migration_name));
    return files.map((f) => f.name).filter((name) => !applied.has(name));
  } finally {
    await client.end();
  }
}

/**
 * Applies the committed migrations through the schema engine (what `prisma migrate deploy` does), skipping the
 * engine when nothing is pending, so a warm start of an up-to-date database costs one query. Returns what it applied.
 */
export async function applyPendingMigrations(
  databaseUrl: string,
  migrationsDir = DEFAULT_MIGRATIONS_DIR,
): Promise<string[]> {
  if ((await pendingMigrationNames(databaseUrl, migrationsDir)).length === 0) return [];
  const { connectionString, schema } = parseDatabaseUrl(databaseUrl);
  return (await applyMigrations({ databaseUrl: connectionString, migrationsDir, ...(schema ? { schema } : {}) }))
    .appliedMigrationNames;
}
