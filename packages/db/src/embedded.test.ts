import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { createPrismaClient } from "./client";
import type { EmbeddedPostgres } from "./embedded";
import { startEmbeddedPostgres } from "./embedded";

const run = promisify(execFile);
const TSX = require.resolve("tsx/cli");
const FIXTURE = path.join(__dirname, "embedded", "concurrent-client.fixture.ts");

let dataDir: string;
let server: EmbeddedPostgres;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "seqlab-embedded-"));
  // 5 s: far above the gaps inside the fixture's transactions, short enough for the idle test below.
  server = await startEmbeddedPostgres({ dataDir, port: 0, idleInTransactionTimeoutMs: 5_000 });
});

afterAll(async () => {
  await server?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe("startEmbeddedPostgres", () => {
  it("migrates the new data folder and answers a Prisma query through adapter-pg", async () => {
    expect(server.appliedMigrationNames.length).toBeGreaterThan(0);
    expect(server.url).toBe(`postgres://postgres@127.0.0.1:${server.port}/postgres`);
    const prisma = createPrismaClient({ databaseUrl: server.url, poolSize: 2 });
    try {
      const team = await prisma.team.create({ data: { slug: "embedded", name: "Embedded" } });
      expect(await prisma.team.findUnique({ where: { slug: "embedded" } })).toEqual(team);
    } finally {
      await prisma.$disconnect();
    }
  });

  it("rolls back the transaction of a client that disconnects mid-transaction, and serves the others", async () => {
    const a = new pg.Client({ connectionString: server.url });
    const b = new pg.Client({ connectionString: server.url });
    await a.connect();
    await b.connect();
    await a.query("BEGIN");
    await a.query(`INSERT INTO "Team" (id, slug, name) VALUES ('t-abandoned', 'abandoned', 'x')`);
    // b waits for a's transaction: it must not see, or run inside, a's uncommitted work.
    const bCount = b.query(`SELECT count(*)::int AS n FROM "Team" WHERE slug = 'abandoned'`);
    await a.end();
    expect((await bCount).rows[0]).toEqual({ n: 0 });
    await b.end();
  });

  it("rolls back and disconnects a client idle in a transaction, so the others are not blocked forever", async () => {
    const idle = new pg.Client({ connectionString: server.url });
    const idleError = new Promise<Error>((resolve) => idle.on("error", resolve));
    await idle.connect();
    await idle.query("BEGIN");
    await idle.query(`INSERT INTO "Team" (id, slug, name) VALUES ('t-idle', 'idle', 'x')`);
    const other = new pg.Client({ connectionString: server.url });
    await other.connect();
    const started = Date.now();
    expect((await other.query(`SELECT count(*)::int AS n FROM "Team" WHERE slug = 'idle'`)).rows[0]).toEqual({ n: 0 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(4_000);
    expect(await idleError).toBeInstanceOf(Error);
    await other.end();
    await idle.end().catch(() => undefined);
  });

  it("serves two processes with pooled Prisma clients concurrently without deadlock or lost queries", async () => {
    const prisma = createPrismaClient({ databaseUrl: server.url, poolSize: 1 });
    const team = await prisma.team.create({
      data: { slug: "concurrency", name: "C", projects: { create: { slug: "p", name: "P" } } },
      include: { projects: true },
    });
    const projectId = team.projects[0]!.id;
    const [left, right] = await Promise.all(
      ["left", "right"].map((tag) =>
        run(process.execPath, [TSX, FIXTURE, server.url, tag, projectId], { timeout: 110_000 }),
      ),
    );
    for (const out of [left!, right!]) {
      expect(JSON.parse(out.stdout.trim().split("\n").pop()!)).toEqual({ ok: 30, failures: [] });
    }
    expect(await prisma.run.count({ where: { projectId } })).toBe(40);
    expect(await prisma.metricPoint.count()).toBe(20);
    await prisma.$disconnect();
  });

  it("keeps the data in the folder across a restart and does not re-apply migrations", async () => {
    await server.stop();
    server = await startEmbeddedPostgres({ dataDir, port: 0 });
    expect(server.appliedMigrationNames).toEqual([]);
    const prisma = createPrismaClient({ databaseUrl: server.url });
    try {
      expect(await prisma.team.count({ where: { slug: { in: ["embedded", "concurrency"] } } })).toBe(2);
    } finally {
      await prisma.$disconnect();
    }
  });
});
