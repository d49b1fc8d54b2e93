import { readFile } from "node:fs/promises";
import type { SchemaEngine, SchemaFilter } from "@prisma/schema-engine-wasm";
import type { MigrationTarget } from "./adapters";
import { migrationAdapterFactory, offlineAdapterFactory, trackAdapters } from "./adapters";
import { DEFAULT_MIGRATIONS_DIR, DEFAULT_SCHEMA_PATH, readMigrationsList, writeMigration } from "./migration-files";
import type { EngineLog } from "./schema-engine";
import { openSchemaEngine, takePanicMessage } from "./schema-engine";

/** No external tables or enums: Prisma owns the whole schema. */
const NO_FILTERS: SchemaFilter = { externalTables: [], externalEnums: [] };

/** What the engine prints for a diff with no steps. */
const EMPTY_MIGRATION = "-- This is an empty migration.";

/** Where the committed migrations and the Prisma schema live; defaults are the repository's prisma/ folder. */
export interface MigrationSources {
  /** Folder of `<timestamp>_<name>/migration.sql`. Default: prisma/migrations at the repository root. */
  migrationsDir?: string;
  /** Path of schema.prisma. Default: prisma/schema.prisma at the repository root. */
  schemaPath?: string;
  /** Schema source to use instead of reading `schemaPath` (tests diff a modified schema this way). */
  schemaSource?: string;
}

/** A PostgreSQL server on which a diff may create (and drop) throwaway databases to replay migrations into. */
export interface ShadowServer {
  /** Any postgres:// URL of that server; its role needs CREATEDB. */
  shadowServerUrl: string;
}

/** Runs `fn` with an engine and frees it; engine errors are rethrown with the engine's log attached. */
async function withEngine<T>(
  untracked: Parameters<typeof openSchemaEngine>[0],
  fn: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const { factory, disposeAll } = trackAdapters(untracked);
  let log: EngineLog = [];
  let engine: SchemaEngine | undefined;
  try {
    ({ engine, log } = await openSchemaEngine(factory));
    return await fn(engine);
  } catch (error) {
    throw engineError(error, log);
  } finally {
    engine?.free();
    await disposeAll();
  }
}

/** The engine rejects with plain objects ({ message, error_code, meta }) as often as with Errors. */
function engineError(error: unknown, log: EngineLog): Error {
  const panic = takePanicMessage();
  if (panic) return new Error(`the schema engine panicked: ${panic}`, { cause: error });
  if (error instanceof Error && !log.length) return error;
  const message =
    error instanceof Error
      ? error.message
      : typeof error === "object" && error !== null && "message" in error
        ? String((error as { message: unknown }).message)
        : JSON.stringify(error);
  const tail = log.slice(-5).join("\n");
  return new Error(tail ? `${message}\n--- schema engine log (last lines) ---\n${tail}` : message, { cause: error });
}

/** Result of {@link applyMigrations}. */
export interface ApplyMigrationsResult {
  /** Migrations applied by this call, in order; empty when the database was up to date. */
  appliedMigrationNames: string[];
}

/**
 * Applies every committed migration not yet applied (what `prisma migrate deploy` does), recording them in
 * the standard `_prisma_migrations` table. Idempotent; a failing migration rejects, is recorded as failed, and
 * blocks later runs until it is resolved, as with Prisma's CLI.
 */
export async function applyMigrations(
  target: MigrationTarget & Pick<MigrationSources, "migrationsDir">,
): Promise<ApplyMigrationsResult> {
  const migrationsList = await readMigrationsList(target.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  return withEngine(migrationAdapterFactory(target), async (engine) => {
    const out = await engine.applyMigrations({ migrationsList, filters: NO_FILTERS });
    return { appliedMigrationNames: out.appliedMigrationNames };
  });
}

async function schemaFiles(sources: MigrationSources): Promise<{ path: string; content: string }[]> {
  const schemaPath = sources.schemaPath ?? DEFAULT_SCHEMA_PATH;
  const content = sources.schemaSource ?? (await readFile(schemaPath, "utf8"));
  return [{ path: schemaPath, content }];
}

/**
 * The SQL that takes a database built by the committed migrations to what schema.prisma describes; `""` when
 * they agree. The migrations are replayed into a throwaway database on the shadow server, as `prisma migrate dev`
 * does with its shadow database.
 */
export async function diffSchemaAgainstMigrations(sources: MigrationSources & ShadowServer): Promise<string> {
  const migrationsList = await readMigrationsList(sources.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  const files = await schemaFiles(sources);
  const result = await withEngine(offlineAdapterFactory(sources.shadowServerUrl), (engine) =>
    engine.diff({
      // The first migration is diffed from nothing: there is no history to replay.
      from: migrationsList.migrationDirectories.length ? { tag: "migrations", ...migrationsList } : { tag: "empty" },
      to: { tag: "schemaDatamodel", files },
      script: true,
      exitCode: null,
      filters: NO_FILTERS,
    }),
  );
  const sql = (result.stdout ?? "").trim();
  return sql === EMPTY_MIGRATION ? "" : (result.stdout ?? "");
}

/**
 * Drift check for CI: the SQL by which schema.prisma has moved past the committed migrations (`""` = no drift,
 * i.e. someone edited the schema without running `migrate:create`).
 */
export function checkDrift(sources: MigrationSources & ShadowServer): Promise<string> {
  return diffSchemaAgainstMigrations(sources);
}

/** Result of {@link createMigration}. */
export type CreateMigrationResult = { status: "created"; directory: string; sql: string } | { status: "no-changes" };

/**
 * Writes a new migration `<timestamp>_<name>` with the SQL from {@link diffSchemaAgainstMigrations} (what
 * `prisma migrate dev --create-only` does, without a development database), or reports that there is nothing
 * to migrate.
 */
export async function createMigration(
  name: string,
  sources: MigrationSources & ShadowServer & { now?: Date },
): Promise<CreateMigrationResult> {
  const sql = await diffSchemaAgainstMigrations(sources);
  if (!sql.trim()) return { status: "no-changes" };
  const directory = await writeMigration(sources.migrationsDir ?? DEFAULT_MIGRATIONS_DIR, name, sql, sources.now);
  return { status: "created", directory, sql };
}

/** Result of {@link migrationStatus}. */
export interface MigrationStatus {
  /** Whether the database has a `_prisma_migrations` table at all. */
  hasMigrationsTable: boolean;
  /** Committed migrations the database has not applied yet. */
  pendingMigrationNames: string[];
  /** Migrations recorded in the database but missing from the folder. */
  unknownMigrationNames: string[];
  /** Migrations recorded as failed (they block `applyMigrations` until resolved). */
  failedMigrationNames: string[];
  /** Applied migrations whose file changed after they were applied. */
  editedMigrationNames: string[];
}

/** Compares a database's `_prisma_migrations` with the committed migrations (`prisma migrate status`). */
export async function migrationStatus(
  target: MigrationTarget & Pick<MigrationSources, "migrationsDir">,
): Promise<MigrationStatus> {
  const migrationsList = await readMigrationsList(target.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  return withEngine(migrationAdapterFactory(target), async (engine) => {
    const out = await engine.diagnoseMigrationHistory({
      migrationsList,
      optInToShadowDatabase: false,
      filters: NO_FILTERS,
    });
    const history = out.history;
    const pending =
      history?.diagnostic === "databaseIsBehind" || history?.diagnostic === "historiesDiverge"
        ? history.unappliedMigrationNames
        : [];
    const unknown =
      history?.diagnostic === "migrationsDirectoryIsBehind" || history?.diagnostic === "historiesDiverge"
        ? history.unpersistedMigrationNames
        : [];
    return {
      hasMigrationsTable: out.hasMigrationsTable,
      pendingMigrationNames: pending,
      unknownMigrationNames: unknown,
      failedMigrationNames: out.failedMigrationNames,
      editedMigrationNames: out.editedMigrationNames,
    };
  });
}

/**
 * Database drift: whether the live database's schema differs from what the committed migrations produce
 * (someone altered it by hand). Returns the engine's human-readable summary, or `null` when they agree.
 * Compares against the migrations replayed into the default schema, so use it on a database whose tables live
 * in `public` (the embedded PostgreSQL, a dedicated database), not on a per-test schema.
 */
export async function checkDatabaseDrift(
  target: MigrationTarget & Pick<MigrationSources, "migrationsDir">,
): Promise<string | null> {
  const migrationsList = await readMigrationsList(target.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  return withEngine(migrationAdapterFactory(target), async (engine) => {
    const { action } = await engine.devDiagnostic({ migrationsList, filters: NO_FILTERS });
    return action.tag === "reset" ? action.reason : null;
  });
}
