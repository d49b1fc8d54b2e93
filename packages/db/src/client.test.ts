import pg from "pg";
import { Prisma } from "./generated/prisma/client";
import { createPrismaClient, parseDatabaseUrl } from "./client";
import { createTestDatabase, type TestDatabase } from "./test-database";

let db: TestDatabase;
let runId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  const team = await db.prisma.team.create({
    data: { slug: "lab", name: "Lab", projects: { create: { slug: "ctc", name: "CTC" } } },
    include: { projects: true },
  });
  const run = await db.prisma.run.create({
    data: {
      projectId: team.projects[0]!.id,
      name: "run-1",
      modelName: "bilstm-ctc",
      datasetName: "copy",
      config: { lr: 0.001 },
      seed: 7,
    },
  });
  runId = run.id;
});

afterAll(async () => {
  await db.drop();
});

describe("createTestDatabase", () => {
  it("creates a migrated schema of its own, named in the URL", async () => {
    expect(db.schema).toMatch(/^test_[0-9a-f]{12}$/);
    expect(parseDatabaseUrl(db.url).schema).toBe(db.schema);
    const tables = await db.prisma.$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = current_schema()`;
    expect(Number(tables[0]!.n)).toBe(20);
  });

  it("gives each call a different schema, and drop() removes it", async () => {
    const other = await createTestDatabase();
    expect(other.schema).not.toBe(db.schema);
    expect(await other.prisma.run.count()).toBe(0);
    await other.drop();
    await other.drop();
    const admin = new pg.Client({ connectionString: parseDatabaseUrl(db.url).connectionString });
    await admin.connect();
    try {
      const left = await admin.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [other.schema]);
      expect(left.rowCount).toBe(0);
    } finally {
      await admin.end();
    }
  });
});

describe("createPrismaClient", () => {
  it("reaches the schema named in the URL and reports an unreachable server as an error", async () => {
    const client = createPrismaClient({ databaseUrl: db.url, poolSize: 2 });
    try {
      expect(await client.run.count()).toBe(1);
    } finally {
      await client.$disconnect();
    }
    const nowhere = createPrismaClient({ databaseUrl: "postgres://postgres@127.0.0.1:1/test" });
    await expect(nowhere.run.count()).rejects.toThrow();
    await nowhere.$disconnect();
  });
});

describe("MetricPoint primary key (runId, key, step)", () => {
  const point = (step: number, value: number) => ({ runId, key: "loss", step, value, wallTime: new Date() });

  it("rejects a duplicate point", async () => {
    await db.prisma.metricPoint.create({ data: point(1, 2.5) });
    const duplicate = db.prisma.metricPoint.create({ data: point(1, 9.9) });
    await expect(duplicate).rejects.toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
    await expect(db.prisma.metricPoint.create({ data: point(1, 9.9) })).rejects.toMatchObject({ code: "P2002" });
  });

  it("createMany({ skipDuplicates: true }) skips the duplicate and keeps the first value", async () => {
    const result = await db.prisma.metricPoint.createMany({
      data: [point(1, 7.0), point(2, 2.0), point(3, 1.5)],
      skipDuplicates: true,
    });
    expect(result.count).toBe(2);
    const points = await db.prisma.metricPoint.findMany({ where: { runId }, orderBy: { step: "asc" } });
    expect(points.map((p) => [p.step, p.value])).toEqual([
      [1, 2.5],
      [2, 2.0],
      [3, 1.5],
    ]);
  });
});
