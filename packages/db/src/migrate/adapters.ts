import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { DriverAdapterError } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";

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

/**
 * Shim for pglite-prisma-adapter 0.7.2: its `executeScript` calls `client.exec(script)` without awaiting it,
 * so a migration that FAILS is recorded as applied in `_prisma_migrations`. Await it and surface the error.
 */
function awaitPgliteScripts(adapter: SqlDriverAdapter, db: PGlite): SqlDriverAdapter {
  const onError = (adapter as unknown as { onError(e: unknown): never }).onError.bind(adapter);
  adapter.executeScript = async (script: string) => {
    try {
      await db.exec(script);
    } catch (error) {
      onError(error);
    }
  };
  return adapter;
}

/** Opens an adapter over a PGlite instance, with the executeScript shim applied. */
async function connectPglite(db: PGlite): Promise<SqlDriverAdapter> {
  const adapter = (await new PrismaPGlite(db).connect()) as unknown as SqlDriverAdapter;
  return awaitPgliteScripts(adapter, db);
}

/**
 * A shadow database for the engine (replaying migrations to diff them): a fresh in-memory PGlite, closed when
 * the engine disposes it. Used for every target, PostgreSQL included, so no server is needed to create
 * migrations and adapter-pg's shadow teardown, which drops the database while its own pool is still connected,
 * is never reached. (Keeping the instance for the next diff would save its start-up, but the wasm postgres
 * leaves a 10 s timer armed after the engine's statements, which holds the process open.)
 */
async function connectPgliteShadow(): Promise<SqlDriverAdapter> {
  const shadow = await PGlite.create();
  const adapter = await connectPglite(shadow);
  const dispose = adapter.dispose.bind(adapter);
  adapter.dispose = async () => {
    await dispose();
    await shadow.close();
  };
  return adapter;
}

/**
 * An adapter that opens its database on first use. The engine connects to the main database as soon as it
 * is created, but a diff between migrations and a schema never queries it: this saves starting a PGlite.
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
export type MigrationTarget =
  /** A PostgreSQL URL; `schema` selects a PostgreSQL schema inside it (default: the URL's search_path, i.e. public). */
  | { databaseUrl: string; schema?: string }
  /** An open PGlite instance (embedded database or an in-memory one in tests). */
  | { pglite: PGlite };

/**
 * A migration-aware adapter factory for the wasm schema engine, with every shim applied, whose shadow database
 * is always an in-memory PGlite. Its main connection uses a single-connection pool: the engine runs its
 * commands one after another, and one session keeps `search_path` and advisory locks consistent.
 */
export function migrationAdapterFactory(target: MigrationTarget): SqlMigrationAwareDriverAdapterFactory {
  if ("pglite" in target) {
    const db = target.pglite;
    return {
      provider: "postgres",
      adapterName: "@seqlab/db-migrate-pglite",
      connect: () => connectPglite(db),
      connectToShadowDb: connectPgliteShadow,
    };
  }
  return {
    provider: "postgres",
    adapterName: "@seqlab/db-migrate-pg",
    connect: async () => {
      const pool = new pg.Pool({
        connectionString: target.databaseUrl,
        max: 1,
        ...(target.schema ? { options: `-c search_path="${target.schema}"` } : {}),
      });
      pool.on("connect", decodeCatalogTypesAsText);
      const adapter = await new PrismaPg(pool, {
        ...(target.schema ? { schema: target.schema } : {}),
        disposeExternalPool: true,
      }).connect();
      return executeScriptAtomically(adapter, pool);
    },
    connectToShadowDb: connectPgliteShadow,
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

/** A factory whose main database is a throwaway in-memory PGlite: for diffs that need no live database. */
export function offlineAdapterFactory(): SqlMigrationAwareDriverAdapterFactory {
  return {
    provider: "postgres",
    adapterName: "@seqlab/db-migrate-offline",
    connect: async () => lazyAdapter(connectPgliteShadow),
    connectToShadowDb: connectPgliteShadow,
  };
}
