import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { FsArtifactStore } from "@seqlab/artifact-store";
import pg from "pg";
import { createPrismaClient, parseDatabaseUrl, type PrismaClient } from "./client";
import { applyMigrationFiles } from "./migrate/apply-migration-files";

// Test-only: kept out of the package's main entry so the web app's bundle never traces the migrations folder.

/** A fresh, migrated PostgreSQL schema for one test file. */
export interface TestDatabase {
  /** postgres:// URL with `?schema=<name>`: pass it to {@link createPrismaClient} or to a child process. */
  url: string;
  /** The schema's name (`test_<random>`). */
  schema: string;
  /** A client on that schema (pool of 5); {@link TestDatabase.drop} disconnects it. */
  prisma: PrismaClient;
  /** Disconnects `prisma` and drops the schema with everything in it. Safe to call twice. */
  drop(): Promise<void>;
}

/** Options of {@link createTestDatabase}. */
export interface CreateTestDatabaseOptions {
  /** Server and database to create the schema in. Default: $TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test. */
  databaseUrl?: string;
  /** Pool size of the returned client. Default: 5 (tests rarely need more, and many test files run at once). */
  poolSize?: number;
  /** Folder of committed migrations. Default: prisma/migrations at the repository root. */
  migrationsDir?: string;
}

/** The loopback PostgreSQL 15 that CI and the dev machines run. */
const DEFAULT_TEST_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/test";

/**
 * Creates a uniquely named PostgreSQL schema, applies the committed migrations to it and returns a client on it;
 * call `drop()` in `afterAll`. Every integration test gets its own schema, so test files run in parallel
 * against one server without seeing each other's rows.
 *
 * The migrations are applied by running their SQL files in order with Prisma's `_prisma_migrations` bookkeeping
 * (see `applyMigrationFiles`), not through the wasm schema engine, whose start-up costs more than the DDL itself;
 * the engine-based drift test proves the files and schema.prisma agree.
 */
export async function createTestDatabase(options: CreateTestDatabaseOptions = {}): Promise<TestDatabase> {
  const databaseUrl = options.databaseUrl ?? process.env.TEST_DATABASE_URL ?? DEFAULT_TEST_DATABASE_URL;
  const { connectionString } = parseDatabaseUrl(databaseUrl);
  // 12 hex characters: collisions across concurrently running test files are negligible (2^48).
  const schema = `test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString });
  await admin.connect();
  try {
    await admin.query(`CREATE SCHEMA "${schema}"`);
    await admin.query(`SET search_path TO "${schema}"`);
    await applyMigrationFiles(admin, options.migrationsDir ? { migrationsDir: options.migrationsDir } : {});
  } catch (error) {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    throw error;
  } finally {
    await admin.end();
  }
  const url = new URL(connectionString);
  url.searchParams.set("schema", schema);
  const prisma = createPrismaClient({ databaseUrl: url.toString(), poolSize: options.poolSize ?? 5 });
  let dropped: Promise<void> | undefined;
  return {
    url: url.toString(),
    schema,
    prisma,
    drop: () =>
      (dropped ??= (async () => {
        await prisma.$disconnect();
        const client = new pg.Client({ connectionString });
        await client.connect();
        try {
          await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        } finally {
          await client.end();
        }
      })()),
  };
}

let testStoreRoot: string | null = null;

/**
 * A filesystem artifact store for tests, one directory per test process (removed when it exits). Content-addressed,
 * so tests sharing it never see each other's artifacts except by identical bytes, which are identical objects.
 */
export function createTestArtifactStore(): FsArtifactStore {
  if (!testStoreRoot) {
    const root = mkdtempSync(path.join(tmpdir(), "seqlab-test-artifacts-"));
    testStoreRoot = root;
    process.once("exit", () => rmSync(root, { recursive: true, force: true }));
  }
  return new FsArtifactStore(testStoreRoot);
}

/** {@link createTestArtifactStore} as the config web services and workers take. */
export function testArtifactStoreConfig(): { backend: "fs"; root: string } {
  return { backend: "fs", root: createTestArtifactStore().root };
}
