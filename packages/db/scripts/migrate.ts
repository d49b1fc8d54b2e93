/**
 * Migrations CLI over the wasm schema engine (Prisma's native engine cannot be downloaded here).
 *
 *   tsx scripts/migrate.ts create <name>          new migration from schema.prisma (no database needed)
 *   tsx scripts/migrate.ts deploy [target]         apply pending migrations
 *   tsx scripts/migrate.ts status [target]         drift check (+ pending migrations and database drift when a
 *                                                  target is given)
 *
 * target: --url <postgres://...> (default: $DATABASE_URL), --schema <name>, or --pglite <dataDir>.
 * Exit codes: 0 ok, 1 error, 2 drift or pending migrations (status).
 */
import { PGlite } from "@electric-sql/pglite";
import type { MigrationTarget } from "../src/migrate";
import { applyMigrations, checkDatabaseDrift, checkDrift, createMigration, migrationStatus } from "../src/migrate";

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** The target named on the command line; undefined when none is (status then only checks drift). */
async function targetFrom(args: string[]): Promise<{ target: MigrationTarget; close(): Promise<void> } | undefined> {
  const dataDir = option(args, "--pglite");
  if (dataDir) {
    const pglite = await PGlite.create({ dataDir });
    return { target: { pglite }, close: () => pglite.close() };
  }
  const databaseUrl = option(args, "--url") ?? process.env.DATABASE_URL;
  if (!databaseUrl) return undefined;
  const schema = option(args, "--schema");
  return { target: { databaseUrl, ...(schema ? { schema } : {}) }, close: async () => {} };
}

async function main(): Promise<number> {
  const [command, ...args] = process.argv.slice(2);
  switch (command) {
    case "create": {
      const name = args[0];
      if (!name || name.startsWith("--")) throw new Error("usage: migrate create <name>");
      const result = await createMigration(name);
      console.log(
        result.status === "created"
          ? `created ${result.directory}`
          : "no changes: schema.prisma matches the migrations",
      );
      return 0;
    }
    case "deploy": {
      const t = await targetFrom(args);
      if (!t) throw new Error("deploy needs --url, $DATABASE_URL or --pglite <dataDir>");
      try {
        const { appliedMigrationNames } = await applyMigrations(t.target);
        console.log(
          appliedMigrationNames.length ? `applied ${appliedMigrationNames.join(", ")}` : "database is up to date",
        );
      } finally {
        await t.close();
      }
      return 0;
    }
    case "status": {
      let code = 0;
      const drift = await checkDrift();
      if (drift) {
        console.log(
          `DRIFT: schema.prisma differs from the committed migrations; run migrate:create. Missing SQL:\n${drift}`,
        );
        code = 2;
      } else {
        console.log("no drift: the committed migrations produce schema.prisma");
      }
      const t = await targetFrom(args);
      if (t) {
        try {
          const s = await migrationStatus(t.target);
          console.log(JSON.stringify(s, null, 2));
          if (s.pendingMigrationNames.length || s.failedMigrationNames.length || s.unknownMigrationNames.length)
            code = 2;
          // Database drift compares against the default schema; a per-test --schema would always differ.
          if (!("schema" in t.target && t.target.schema)) {
            const databaseDrift = await checkDatabaseDrift(t.target);
            if (databaseDrift) {
              console.log(databaseDrift);
              code = 2;
            }
          }
        } finally {
          await t.close();
        }
      }
      return code;
    }
    default:
      throw new Error("usage: migrate <create <name> | deploy | status> [--url URL] [--schema S] [--pglite DIR]");
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
