import { randomBytes } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { DriverAdapterError } from "@prisma/driver-adapter-utils";
import pg from "pg";

/** pg_catalog types the schema engine reads that adapter-pg cannot decode (19 it can), mapped to text / text[]. */
const CATALOG_TYPE_AS_TEXT: Readonly<Record<number, number>> = {
  18: 25, // "char"
  19: 25, // name
  1002: 1009, // "char"[]
  1003: 1009, // name[]
};

type QueryFn = (...args: unknown[]) => unknown;
type QueryCallback = (error: Error | null, result?: pg.QueryResult) => void;
type TypeParsers = { getTypeParser: (oid: number, format?: string) => unknown };

function reportCatalogTypesAsText(result: pg.QueryResult | undefined): void {
  for (const field of result?.fields ?? []) {
    field.dataTypeID = CATALOG_TYPE_AS_TEXT[field.dataTypeID] ?? field.dataTypeID;
  }
  dropNotNullConstraints(result);
}

/**
 * PostgreSQL 18 records every NOT NULL as a pg_constraint row of type 'n'. Prisma 7.10's schema describer only
 * knows the older types and panics on it ("Getting constraint_type ... as char failed"), so any diff or drift
 * check against PostgreSQL 18 (the embedded server) would crash. Nullability is what the describer reads from
 * pg_attribute anyway: the rows of type 'n' are dropped from the describer's constraints query, the one result
 * with a `constraint_type` column.
 */
function dropNotNullConstraints(result: pg.QueryResult | undefined): void {
  const index = result?.fields.findIndex((f) => f.name === "constraint_type") ?? -1;
  if (!result || index < 0) return;
  const typeOf = (row: unknown) =>
    Array.isArray(row) ? (row[index] as unknown) : (row as Record<string, unknown>).constraint_type;
  result.rows = result.rows.filter((row) => typeOf(row) !== "n");
  result.rowCount = result.rows.length;
}

/**
 * Shim for prisma/orm#27403: adapter-pg throws `UnsupportedNativeDataType` on pg_catalog `"char"` columns
 * (oid 18, and the arrays of `"char"` and `name`, 1002 and 1003), which the schema engine selects when it
 * introspects a live database (`migrate dev`-style diagnostics). Every query of this client reports them as
 * text / text[] and parses them as such. pg-pool calls `client.query` callback-style, adapter-pg's
 * transactions promise-style: both are covered.
 */
function decodeCatalogTypesAsText(client: pg.PoolClient): void {
  const query = client.query.bind(client) as QueryFn;
  const patched: QueryFn = (config, ...rest) => {
    if (
      typeof config !== "object" ||
      config === null ||
      typeof (config as { submit?: unknown }).submit === "function"
    ) {
      return query(config, ...rest);
    }
    const types = (config as { types?: TypeParsers }).types ?? pg.types;
    const withTextTypes = {
      ...(config as object),
      types: {
        getTypeParser: (oid: number, format?: string) =>
          types.getTypeParser(CATALOG_TYPE_AS_TEXT[oid] ?? oid, format as "text"),
      },
    };
    const callbackAt = rest.findIndex((arg) => typeof arg === "function");
    if (callbackAt >= 0) {
      const callback = rest[callbackAt] as QueryCallback;
      const args = [...rest];
      args[callbackAt] = (error: Error | null, result?: pg.QueryResult) => {
        if (!error) reportCatalogTypesAsText(result);
        callback(error, result);
      };
      return query(withTextTypes, ...args);
    }
    return (query(withTextTypes, ...rest) as Promise<pg.QueryResult>).then((result) => {
      reportCatalogTypesAsText(result);
      return result;
    });
  };
  (client as unknown as { query: QueryFn }).query = patched;
}

/**
 * Runs a whole migration script as ONE simple-protocol query on one connection, as Prisma's native engine does.
 * adapter-pg's `executeScript` splits the script on every `;` (breaking `;` inside strings, functions and
 * `DO` blocks) and sends each piece through the pool, so a failing statement leaves the earlier ones applied
 * and, with several pooled connections, pieces may not even share a session. One multi-statement query runs
 * in PostgreSQL's implicit transaction: a failing migration leaves nothing behind.
 */
function executeScriptAtomically(adapter: SqlDriverAdapter, pool: pg.Pool): SqlDriverAdapter {
  adapter.executeScript = async (script: string) => {
    try {
      await pool.query(script);
    } catch (error) {
      const e = error as pg.DatabaseError;
      throw new DriverAdapterError({
        kind: "postgres",
        code: e.code ?? "N/A",
        severity: e.severity ?? "ERROR",
        message: e.message,
        detail: e.detail,
        column: e.column,
        hint: e.hint,
      });
    }
  };
  return adapter;
}

/** Opens an adapter-pg adapter over a one-connection pool, with the catalog-type and executeScript shims applied. */
async function connectPg(connectionString: string, schema?: string): Promise<SqlDriverAdapter> {
  const pool = new pg.Pool({
    connectionString,
    max: 1,
    ...(schema ? { options: `-c search_path="${schema}"` } : {}),
  });
  pool.on("connect", decodeCatalogTypesAsText);
  const adapter = await new PrismaPg(pool, { ...(schema ? { schema } : {}), disposeExternalPool: true }).connect();
  return executeScriptAtomically(adapter, pool);
}

/**
 * A shadow database for the engine (replaying migrations to diff them): a fresh database created on `serverUrl`'s
 * server and dropped when the engine disposes it. Dropping happens after the adapter's own pool is closed, which
 * adapter-pg's own shadow teardown gets wrong (it drops the database while its pool is still connected).
 */
async function connectShadow(serverUrl: string): Promise<SqlDriverAdapter> {
  // 12 hex characters: two diffs running at once (parallel test files) never pick the same name.
  const name = `seqlab_shadow_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const adapter = await connectPg(url.toString());
  const dispose = adapter.dispose.bind(adapter);
  adapter.dispose = async () => {
    await dispose();
    const cleanup = new pg.Client({ connectionString: serverUrl });
    await cleanup.connect();
    try {
      await cleanup.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    } finally {
      await cleanup.end();
    }
  };
  return adapter;
}

/**
 * An adapter that opens its database on first use. The engine connects to the main database as soon as it
 * is created, but a diff between migrations and a schema never queries it: this saves creating a database.
 */
function lazyAdapter(open: () => Promise<SqlDriverAdapter>): SqlDriverAdapter {
  let opened: Promise<SqlDriverAdapter> | undefined;
  const get = () => (opened ??= open());
  return {
    provider: "postgres",
    adapterName: "@seqlab/db-migrate-lazy",
    queryRaw: async (q) => (await get()).queryRaw(q),
    executeRaw: async (q) => (await get()).executeRaw(q),
    executeScript: async (script) => (await get()).executeScript(script),
    startTransaction: async (isolation) => (await get()).startTransaction(isolation),
    getConnectionInfo: () => ({ supportsRelationJoins: true }),
    dispose: async () => {
      if (opened) await (await opened).dispose();
    },
  };
}

/** Where the engine applies migrations or reads the live schema. */
export interface MigrationTarget {
  /** A PostgreSQL URL (without Prisma's `?schema=`: pass `schema`). */
  databaseUrl: string;
  /** PostgreSQL schema holding the tables. Default: the connection's search_path, i.e. public. */
  schema?: string;
}

/** The target's server with the database part pointing at the maintenance database, for CREATE/DROP DATABASE. */
function serverOf(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.pathname = "/postgres";
  url.search = "";
  return url.toString();
}

/**
 * A migration-aware adapter factory for the wasm schema engine, with every shim applied. Its main connection uses a
 * single-connection pool (the engine runs its commands one after another, and one session keeps `search_path` and
 * advisory locks consistent); shadow databases are created on the target's own server.
 */
export function migrationAdapterFactory(target: MigrationTarget): SqlMigrationAwareDriverAdapterFactory {
  return {
    provider: "postgres",
    adapterName: "@seqlab/db-migrate-pg",
    connect: () => connectPg(target.databaseUrl, target.schema),
    connectToShadowDb: () => connectShadow(serverOf(target.databaseUrl)),
  };
}

/**
 * Records every adapter a factory opens so that they can be disposed after the engine is freed: freeing the
 * wasm engine does not dispose its adapters, and an open pg session would keep the engine's migration
 * advisory lock (the next engine waits 10 s for it) and keep the process alive.
 */
export function trackAdapters(factory: SqlMigrationAwareDriverAdapterFactory): {
  factory: SqlMigrationAwareDriverAdapterFactory;
  disposeAll(): Promise<void>;
} {
  const opened: SqlDriverAdapter[] = [];
  const track = async (open: () => Promise<SqlDriverAdapter>) => {
    const adapter = await open();
    const dispose = adapter.dispose.bind(adapter);
    let disposed: Promise<void> | undefined;
    // The engine may dispose an adapter itself (shadow databases); make a second dispose a no-op.
    adapter.dispose = () => (disposed ??= dispose());
    opened.push(adapter);
    return adapter;
  };
  return {
    factory: {
      provider: factory.provider,
      adapterName: factory.adapterName,
      connect: () => track(() => factory.connect()),
      connectToShadowDb: () => track(() => factory.connectToShadowDb()),
    },
    disposeAll: async () => {
      await Promise.allSettled(opened.splice(0).map((a) => a.dispose()));
    },
  };
}

/**
 * A factory for diffs that need no live database: the main database is a throwaway database on `serverUrl`'s
 * server, created only if the engine queries it, and so are the shadow databases.
 */
export function offlineAdapterFactory(serverUrl: string): SqlMigrationAwareDriverAdapterFactory {
  const server = serverOf(serverUrl);
  return {
    provider: "postgres",
    adapterName: "@seqlab/db-migrate-offline",
    connect: async () => lazyAdapter(() => connectShadow(server)),
    connectToShadowDb: () => connectShadow(server),
  };
}
