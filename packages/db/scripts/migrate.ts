/**
 * Migrations CLI over the wasm schema engine (Prisma's native engine cannot be downloaded here).
 *
 *   tsx scripts/migrate.ts create <name>          new migration from schema.prisma
 *   tsx scripts/migrate.ts deploy [target]         apply pending migrations
 *   tsx scripts/migrate.ts status [target]         drift check (+ pending migrations and database drift when a
 *                                                  target is given)
 *
 * target: --url <postgres://...> (default: $DATABASE_URL) and --schema <name>.
 * Diffs (create, status) replay the migrations into throwaway databases on a shadow server: --shadow-url, else the
 * target's server, else a temporary embedded PostgreSQL started for the command (so no server is needed).
 * Exit codes: 0 ok, 1 error, 2 drift or pending migrations (status).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseDatabaseUrl } from "../src/database-url";
import { startEmbeddedPostgres } from "../src/embedded";
import { cliEnv } from "./cli-env";
import { freePort } from "./free-port";
import type { MigrationTarget } from "../src/migrate";
import {
  applyPendingMigrations,
  checkDatabaseDrift,
  checkDrift,
  createMigration,
  migrationStatus,
} from "../src/migrate";

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** The target named on the command line; undefined when none is (status then only checks drift). */
function targetFrom(args: string[]): MigrationTarget | undefined {
  const url = option(args, "--url") ?? cliEnv().DATABASE_URL;
  if (!url) return undefined;
  // Prisma's `?schema=` in the URL (what the apps accept) selects the schema too.
  const { connectionString, schema: urlSchema } = parseDatabaseUrl(url);
  const schema = option(args, "--schema") ?? urlSchema;
  return { databaseUrl: connectionString, ...(schema ? { schema } : {}) };
}

/** Runs `fn` with a server for shadow databases, starting a temporary embedded PostgreSQL when none is named. */
async function withShadowServer<T>(args: string[], fn: (shadowServerUrl: string) => Promise<T>): Promise<T> {
  const named = option(args, "--shadow-url") ?? targetFrom(args)?.databaseUrl;
  if (named) return fn(named);
  const dataDir = await mkdtemp(path.join(tmpdir(), "seqlab-shadow-"));
  const server = await startEmbeddedPostgres({ dataDir, port: await freePort(), migrate: false, log: () => undefined });
  try {
    return await fn(server.url);
  } finally {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  const [command, ...args] = process.argv.slice(2);
  switch (command) {
    case "create": {
      const name = args[0];
      if (!name || name.startsWith("--")) throw new Error("usage: migrate create <name>");
      const result = await withShadowServer(args.slice(1), (shadowServerUrl) =>
        createMigration(name, { shadowServerUrl }),
      );
      console.log(
        result.status === "created"
          ? `created ${result.directory}`
          : "no changes: schema.prisma matches the migrations",
      );
      return 0;
    }
    case "deploy": {
      const target = targetFrom(args);
      if (!target) throw new Error("deploy needs --url or $DATABASE_URL");
      const url = new URL(target.databaseUrl);
      if (target.schema) url.searchParams.set("schema", target.schema);
      // Asks the database first: the wasm engine only starts when a migration is pending.
      const appliedMigrationNames = await applyPendingMigrations(url.toString());
      console.log(
        appliedMigrationNames.length ? `applied ${appliedMigrationNames.join(", ")}` : "database is up to date",
      );
      return 0;
    }
    case "status": {
      let code = 0;
      const drift = await withShadowServer(args, (shadowServerUrl) => checkDrift({ shadowServerUrl }));
      if (drift) {
        console.log(
          `DRIFT: schema.prisma differs from the committed migrations; run migrate:create. Missing SQL:\n${drift}`,
        );
        code = 2;
      } else {
        console.log("no drift: the committed migrations produce schema.prisma");
      }
      const target = targetFrom(args);
      if (target) {
        const s = await migrationStatus(target);
        console.log(JSON.stringify(s, null, 2));
        if (s.pendingMigrationNames.length || s.failedMigrationNames.length || s.unknownMigrationNames.length) code = 2;
        // Database drift compares against the default schema; a per-test --schema would always differ.
        if (!target.schema) {
          const databaseDrift = await checkDatabaseDrift(target);
          if (databaseDrift) {
            console.log(databaseDrift);
            code = 2;
          }
        }
      }
      return code;
    }
    default:
      throw new Error("usage: migrate <create <name> | deploy | status> [--url URL] [--schema S] [--shadow-url URL]");
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
