import { PrismaPg } from "@prisma/adapter-pg";
import type pg from "pg";
import { parseDatabaseUrl } from "./database-url";
import { PrismaClient } from "./generated/prisma/client";

export { PrismaClient };
export { parseDatabaseUrl };

/** Options of {@link createPrismaClient}. */
export interface CreatePrismaClientOptions {
  /**
   * A postgres:// URL. A `schema` query parameter (Prisma's URL convention, and what {@link createTestDatabase}
   * returns) selects the PostgreSQL schema when the `schema` option is not given.
   */
  databaseUrl: string;
  /** Most pooled connections this client opens. Default: 10 (pg's default). */
  poolSize?: number;
  /** PostgreSQL schema holding the tables. Default: the URL's `schema` parameter, else `public`. */
  schema?: string;
}

/** `search_path` startup option for a schema; quoted so that any schema name is taken literally. */
function searchPathOption(schema: string): string {
  return `-c search_path="${schema.replaceAll('"', '""')}"`;
}

/**
 * Creates a Prisma client over @prisma/adapter-pg. Each app calls this once with its own pool size (the web
 * app and every worker process choose theirs); disconnect with `$disconnect()`.
 *
 * With a schema, Prisma's generated SQL is qualified with it (adapter-pg's `{ schema }` option) and the pool's
 * `search_path` is set too, so unqualified `$queryRaw` SQL reaches the same tables.
 */
const JIT_OFF = "-c jit=off";

export function createPrismaClient(options: CreatePrismaClientOptions): PrismaClient {
  const { connectionString, schema: urlSchema } = parseDatabaseUrl(options.databaseUrl);
  const schema = options.schema ?? urlSchema;
  const pool: pg.PoolConfig = {
    connectionString,
    ...(options.poolSize !== undefined ? { max: options.poolSize } : {}),
    // JIT off: PostgreSQL compiles a query whose estimated cost passes jit_above_cost (100 000) with LLVM first,
    // which costs 50-100 ms. The runs table's filtered queries over 10,000 runs sit right at that estimate and run
    // in a few tens of ms without it (bench/runs-table-figures.ts); nothing here is a long analytical query.
    options: [JIT_OFF, ...(schema ? [searchPathOption(schema)] : [])].join(" "),
  };
  const adapter = new PrismaPg(pool, schema ? { schema } : undefined);
  return new PrismaClient({ adapter });
}
