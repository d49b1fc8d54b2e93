import { cp, mkdtemp, mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import {
  DEFAULT_MIGRATIONS_DIR,
  DEFAULT_SCHEMA_PATH,
  applyMigrationFiles,
  applyMigrations,
  checkDatabaseDrift,
  checkDrift,
  createMigration,
  diffSchemaAgainstMigrations,
  migrationStatus,
  readMigrationFiles,
} from "./migrate";

const DATABASE_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const TABLES = [
  "Account",
  "ApiKey",
  "Artifact",
  "AuditEvent",
  "Invitation",
  "Membership",
  "MetricBucket",
  "MetricPoint",
  "MetricSummary",
  "Project",
  "Run",
  "RunEvent",
  "Session",
  "Sweep",
  "SweepResult",
  "Team",
  "User",
  "Verification",
  "Worker",
];

let admin: pg.Client;
const schemas: string[] = [];
const tempDirs: string[] = [];

async function freshSchema(): Promise<string> {
  const schema = `test_migrate_${Math.random().toString(16).slice(2, 10)}`;
  await admin.query(`CREATE SCHEMA "${schema}"`);
  schemas.push(schema);
  return schema;
}

async function tablesIn(schema: string): Promise<string[]> {
  const r = await admin.query<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name",
    [schema],
  );
  return r.rows.map((row) => row.table_name);
}

/** A copy of the committed migrations plus one more migration with the given SQL. */
async function migrationsWithExtra(name: string, sql: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "seqlab-migrations-"));
  tempDirs.push(dir);
  await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
  await mkdir(path.join(dir, name));
  await writeFile(path.join(dir, name, "migration.sql"), sql);
  return dir;
}

/** The schema with one extra column, as if someone edited schema.prisma without creating a migration. */
async function driftedSchema(): Promise<string> {
  const source = await readFile(DEFAULT_SCHEMA_PATH, "utf8");
  const drifted = source.replace(/model Worker \{\n/, "model Worker {\n  region String?\n");
  expect(drifted).not.toBe(source);
  return drifted;
}

beforeAll(async () => {
  admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
});

afterAll(async () => {
  for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end();
  for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
});

describe("drift check", () => {
  it("finds no drift between the committed migrations and schema.prisma", async () => {
    const shadows = async () =>
      (await admin.query("SELECT datname FROM pg_database WHERE datname LIKE 'seqlab_shadow_%'")).rows.length;
    const before = await shadows();
    expect(await checkDrift({ shadowServerUrl: DATABASE_URL })).toBe("");
    // The shadow database the diff replayed the migrations into is gone again.
    expect(await shadows()).toBe(before);
  });

  it("reports the missing SQL when schema.prisma moves past the migrations", async () => {
    const sql = await diffSchemaAgainstMigrations({
      schemaSource: await driftedSchema(),
      shadowServerUrl: DATABASE_URL,
    });
    expect(sql).toContain(`ALTER TABLE "Worker" ADD COLUMN     "region" TEXT`);
  });
});

describe("createMigration", () => {
  it("writes a timestamped migration folder and lock file, then says no changes", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "seqlab-migrations-"));
    tempDirs.push(dir);
    await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
    const schemaSource = await driftedSchema();
    const now = new Date(Date.UTC(2030, 0, 2, 3, 4, 5));
    const created = await createMigration("Add worker region", {
      migrationsDir: dir,
      schemaSource,
      now,
      shadowServerUrl: DATABASE_URL,
    });
    expect(created).toMatchObject({ status: "created", directory: path.join(dir, "20300102030405_add_worker_region") });
    expect(await readFile(path.join(dir, "20300102030405_add_worker_region", "migration.sql"), "utf8")).toContain(
      `"region" TEXT`,
    );
    expect(await readFile(path.join(dir, "migration_lock.toml"), "utf8")).toContain('provider = "postgresql"');
    expect(await createMigration("again", { migrationsDir: dir, schemaSource, shadowServerUrl: DATABASE_URL })).toEqual(
      { status: "no-changes" },
    );
    expect((await readdir(dir)).filter((f) => f !== "migration_lock.toml")).toHaveLength(
      (await readMigrationFiles()).length + 1,
    );
  });
});

describe("applyMigrations on PostgreSQL 15", () => {
  it("applies to a fresh schema, then is a no-op, and status is clean", async () => {
    const schema = await freshSchema();
    const first = await applyMigrations({ databaseUrl: DATABASE_URL, schema });
    expect(first.appliedMigrationNames).toEqual((await readMigrationFiles()).map((m) => m.name));
    expect(await tablesIn(schema)).toEqual([...TABLES, "_prisma_migrations"].sort());
    expect(await applyMigrations({ databaseUrl: DATABASE_URL, schema })).toEqual({ appliedMigrationNames: [] });
    expect(await migrationStatus({ databaseUrl: DATABASE_URL, schema })).toEqual({
      hasMigrationsTable: true,
      pendingMigrationNames: [],
      unknownMigrationNames: [],
      failedMigrationNames: [],
      editedMigrationNames: [],
    });
  });

  it("rejects a failing migration, records it as failed and leaves none of its statements applied", async () => {
    const schema = await freshSchema();
    const migrationsDir = await migrationsWithExtra(
      "29990101000000_broken",
      `CREATE TABLE "Partial" (id INT);\nALTER TABLE "NoSuchTable" ADD COLUMN x INT;\n`,
    );
    await expect(applyMigrations({ databaseUrl: DATABASE_URL, schema, migrationsDir })).rejects.toThrow(/NoSuchTable/);
    expect(await tablesIn(schema)).not.toContain("Partial");
    const rows = await admin.query(`SELECT migration_name, finished_at FROM "${schema}"._prisma_migrations`);
    expect(rows.rows).toContainEqual({ migration_name: "29990101000000_broken", finished_at: null });
    const status = await migrationStatus({ databaseUrl: DATABASE_URL, schema, migrationsDir });
    expect(status.failedMigrationNames).toEqual(["29990101000000_broken"]);
  });

  it("applyMigrationFiles writes the same bookkeeping the engine reads as up to date", async () => {
    const schema = await freshSchema();
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    try {
      await client.query(`SET search_path TO "${schema}"`);
      expect(await applyMigrationFiles(client)).toHaveLength((await readMigrationFiles()).length);
      expect(await applyMigrationFiles(client)).toEqual([]);
    } finally {
      await client.end();
    }
    const status = await migrationStatus({ databaseUrl: DATABASE_URL, schema });
    expect(status.pendingMigrationNames).toEqual([]);
    expect(status.editedMigrationNames).toEqual([]);
    expect(await applyMigrations({ databaseUrl: DATABASE_URL, schema })).toEqual({ appliedMigrationNames: [] });
  });
});

describe("the teams migration on a database from before accounts", () => {
  it("keeps every membership, its role now better-auth's lower-case string", async () => {
    const schema = await freshSchema();
    const all = await readMigrationFiles();
    const firstOnly = await mkdtemp(path.join(tmpdir(), "seqlab-migrations-"));
    tempDirs.push(firstOnly);
    await cp(path.join(DEFAULT_MIGRATIONS_DIR, all[0]!.name), path.join(firstOnly, all[0]!.name), { recursive: true });
    await cp(path.join(DEFAULT_MIGRATIONS_DIR, "migration_lock.toml"), path.join(firstOnly, "migration_lock.toml"));
    await applyMigrations({ databaseUrl: DATABASE_URL, schema, migrationsDir: firstOnly });
    await admin.query(`INSERT INTO "${schema}"."Team" (id, slug, name) VALUES ('t1', 'default', 'Default team')`);
    await admin.query(
      `INSERT INTO "${schema}"."User" (id, email, name) VALUES ('u1', 'local@seqlab.invalid', 'Local user')`,
    );
    await admin.query(
      `INSERT INTO "${schema}"."Membership" (id, "teamId", "userId", role) VALUES ('m1', 't1', 'u1', 'OWNER')`,
    );
    const applied = await applyMigrations({ databaseUrl: DATABASE_URL, schema });
    expect(applied.appliedMigrationNames).toEqual(all.slice(1).map((m) => m.name));
    const rows = await admin.query(`SELECT role FROM "${schema}"."Membership"`);
    expect(rows.rows).toEqual([{ role: "owner" }]);
  });
});

describe("checkDatabaseDrift", () => {
  it("sees a hand-made change on PostgreSQL 15 (reads pg_catalog through the adapter-pg type shim)", async () => {
    const database = `seqlab_drift_${Math.random().toString(16).slice(2, 10)}`;
    await admin.query(`CREATE DATABASE "${database}"`);
    const url = new URL(DATABASE_URL);
    url.pathname = `/${database}`;
    const databaseUrl = url.toString();
    try {
      await applyMigrations({ databaseUrl });
      expect(await checkDatabaseDrift({ databaseUrl })).toBeNull();
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      await client.query(`ALTER TABLE "Worker" ADD COLUMN "sneaky" INT`);
      await client.end();
      expect(await checkDatabaseDrift({ databaseUrl })).toMatch(/Drift detected[\s\S]*Worker/);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    }
  });
});
