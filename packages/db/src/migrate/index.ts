/**
 * Migrations without Prisma's native schema engine (it cannot be downloaded here): the wasm schema engine
 * over driver adapters, with throwaway shadow databases on a PostgreSQL server. See scripts/migrate.ts for the CLI.
 */
export type { MigrationTarget } from "./adapters";
export {
  applyMigrations,
  checkDatabaseDrift,
  checkDrift,
  createMigration,
  diffSchemaAgainstMigrations,
  migrationStatus,
} from "./engine-commands";
export type {
  ApplyMigrationsResult,
  CreateMigrationResult,
  MigrationSources,
  MigrationStatus,
  ShadowServer,
} from "./engine-commands";
export { applyPendingMigrations, pendingMigrationNames } from "./apply-pending";
export { applyMigrationFiles } from "./apply-migration-files";
export type { ApplyMigrationFilesOptions } from "./apply-migration-files";
export { DEFAULT_MIGRATIONS_DIR, DEFAULT_SCHEMA_PATH, readMigrationFiles } from "./migration-files";
export type { MigrationFile } from "./migration-files";
export { schemaEngineVersion } from "./schema-engine";
