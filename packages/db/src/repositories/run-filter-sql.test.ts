import { parseRunFilter, type FilterField, type FilterNode } from "@seqlab/contracts";
import { Prisma } from "../generated/prisma/client";
import { createTestDatabase, type TestDatabase } from "../test-database";
import { compileRunFilter, fieldValueSql, FilterCompileError } from "./run-filter-sql";

const NOW = new Date("2026-12-02T12:00:00.000Z");
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const INJECTION = `'; DROP TABLE "Run"; --`;

/** Five runs in one team, each a different corner of the filter's semantics, and a sixth in another team. */
const RUNS = [
  {
    id: "run1",
    name: "lstm-baseline",
    status: "SUCCEEDED",
    modelName: "lstm",
    datasetName: "adding",
    config: {
      training: { learningRate: 0.001, steps: 100, optimizer: "adam", shuffle: true },
      modelHyperparameters: { units: 64 },
      seed: 1,
    },
    tags: ["baseline", "best"],
    createdAt: ago(10 * DAY),
    lastStep: 100,
    user: "ada",
  },
  {
    id: "run2",
    name: "gru-wide",
    status: "RUNNING",
    modelName: "gru",
    datasetName: "copy",
    config: {
      training: { learningRate: 0.01, steps: 200, optimizer: "sgd", shuffle: false },
      modelHyperparameters: { units: 256 },
      seed: 2,
    },
    tags: ["wide"],
    createdAt: ago(2 * DAY),
    lastStep: 50,
    user: "bob",
  },
  {
    // Strings where the others have numbers, and no launcher, no tags, no step.
    id: "run3",
    name: "lstm-nolr",
    status: "FAILED",
    modelName: "lstm",
    datasetName: "adding",
    config: { training: { steps: "many", optimizer: "adam" }, modelHyperparameters: { units: "64" }, seed: 3 },
    tags: [],
    createdAt: ago(HOUR),
    lastStep: null,
    user: null,
  },
  {
    // Keys that need quoting, an object where others have a number, NULL tags (set below).
    id: "run4",
    name: "transformer_x",
    status: "QUEUED",
    modelName: "transformer",
    datasetName: "copy",
    config: {
      training: { learningRate: 0.1, steps: 10 },
      modelHyperparameters: { units: { nested: 1 } },
      "it's": { 'a"b': 5 },
      seed: null,
    },
    tags: null,
    createdAt: new Date("2026-11-01T12:00:00.000Z"),
    lastStep: 0,
    user: "ada",
  },
  {
    id: "run5",
    name: INJECTION,
    status: "DIVERGED",
    modelName: "gru",
    datasetName: "adding",
    config: { training: { learningRate: "0.1" } },
    tags: ["50%_off", "x_y"],
    createdAt: new Date("2026-10-31T23:59:59.999Z"),
    lastStep: 7,
    user: "bob",
  },
] as const;
const ALL = RUNS.map((r) => r.id);

const SUMMARIES = [
  { runId: "run1", key: "loss", last: 0.2, min: 0.1, max: 1.5, lastStep: 100, count: 100 },
  { runId: "run1", key: "val/loss", last: 0.3, min: 0.25, max: 0.9, lastStep: 100, count: 10 },
  { runId: "run2", key: "loss", last: 0.8, min: 0.5, max: 2, lastStep: 50, count: 50 },
  { runId: "run2", key: "val/loss", last: 0.9, min: 0.9, max: 0.9, lastStep: 50, count: 5 },
  { runId: "run3", key: "loss", last: Number.NaN, min: null, max: null, lastStep: 3, count: 3 },
  { runId: "run4", key: "train.loss", last: 0.4, min: 0.4, max: 0.4, lastStep: 0, count: 1 },
  { runId: "run4", key: "a.min", last: 7, min: 7, max: 7, lastStep: 0, count: 1 },
];

describe("compileRunFilter (real PostgreSQL)", () => {
  let db: TestDatabase;
  let teamId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    const team = await db.prisma.team.create({ data: { slug: "filters", name: "Filters" } });
    const other = await db.prisma.team.create({ data: { slug: "other", name: "Other" } });
    teamId = team.id;
    const project = await db.prisma.project.create({ data: { teamId, slug: "p", name: "P" } });
    const otherProject = await db.prisma.project.create({ data: { teamId: other.id, slug: "p", name: "P" } });
    await db.prisma.user.create({ data: { id: "ada", name: "Ada Lovelace", email: "ada@example.com" } });
    await db.prisma.user.create({ data: { id: "bob", name: "Bob", email: "bob@example.org" } });
    for (const run of [...RUNS, { ...RUNS[0], id: "other1" }]) {
      await db.prisma.run.create({
        data: {
          id: run.id,
          projectId: run.id === "other1" ? otherProject.id : project.id,
          name: run.name,
          status: run.status,
          modelName: run.modelName,
          datasetName: run.datasetName,
          config: run.config,
          seed: 0,
          tags: run.tags ? [...run.tags] : [],
          createdAt: run.createdAt,
          lastStep: run.lastStep,
          createdById: run.user,
        },
      });
    }
    await db.prisma.$executeRaw`UPDATE "Run" SET tags = NULL WHERE id = ${"run4"}`;
    for (const summary of [...SUMMARIES, { ...SUMMARIES[0]!, runId: "other1" }]) {
      // NaN through raw SQL: Prisma's Float input refuses it, the metric writer stores it.
      await db.prisma.$executeRaw`
        INSERT INTO "MetricSummary" ("runId", key, last, min, max, "lastStep", count, "lastWallTime")
        VALUES (${summary.runId}, ${summary.key}, ${String(summary.last)}::float8, ${summary.min}::float8,
                ${summary.max}::float8, ${summary.lastStep}, ${summary.count}, now())`;
    }
  });
  afterAll(() => db.drop());

  /** Ids of the team's runs the filter selects, in the query the runs table runs. */
  async function select(filter: string | FilterNode): Promise<string[]> {
    const node = typeof filter === "string" ? parseRunFilter(filter, NOW) : filter;
    if (node === null) throw new Error("empty filter");
    const rows = await db.prisma.$queryRaw<{ id: string }[]>`
      SELECT r.id FROM "Run" r
      JOIN "Project" p ON p.id = r."projectId"
      LEFT JOIN "User" u ON u.id = r."createdById"
      WHERE p."teamId" = ${teamId} AND (${compileRunFilter(node)})
      ORDER BY r.id`;
    return rows.map((r) => r.id);
  }

  /** Asserts each filter's ids, reporting the filter with its result. */
  async function expectSelections(cases: [string | FilterNode, string[]][]): Promise<void> {
    for (const [filter, ids] of cases) {
      expect({ filter, ids: await select(filter) }).toEqual({ filter, ids });
    }
  }

  async function expectTablesIntact(): Promise<void> {
    expect(await db.prisma.run.count()).toBe(RUNS.length + 1);
    expect(await db.prisma.metricSummary.count()).toBe(SUMMARIES.length + 1);
    expect(await db.prisma.user.count()).toBe(2);
  }

  it("compares config numbers numerically, and never casts a string or an object", async () => {
    await expectSelections([
      ["config.training.learningRate < 0.005", ["run1"]],
      ["config.training.learningRate >= 0.01", ["run2", "run4"]],
      ["config.training.learningRate = 0.1", ["run4"]],
      ["config.training.learningRate = 1e-3", ["run1"]],
      ["config.training.steps > 50", ["run1", "run2"]],
      ["config.modelHyperparameters.units >= 64", ["run1", "run2"]],
      ["config.modelHyperparameters.units <= 64", ["run1"]],
      ["config.seed IN (1, 3)", ["run1", "run3"]],
    ]);
  });

  it("includes runs without the key, or with another type, in != and NOT", async () => {
    await expectSelections([
      ["config.training.learningRate != 0.1", ["run1", "run2", "run3", "run5"]],
      ["NOT config.training.learningRate > 0.005", ["run1", "run3", "run5"]],
      ["config.training.optimizer != adam", ["run2", "run4", "run5"]],
      ["config.training.shuffle != true", ["run2", "run3", "run4", "run5"]],
      ["summary.loss != 0.2", ["run2", "run3", "run4", "run5"]],
      ["step != 100", ["run2", "run3", "run4", "run5"]],
      ["tags != best", ["run2", "run3", "run4", "run5"]],
      ["user != Bob", ["run1", "run3", "run4"]],
      ["dataset != adding", ["run2", "run4"]],
    ]);
  });

  it("compares config strings and booleans by type, and ~ on their text", async () => {
    await expectSelections([
      ['config.modelHyperparameters.units = "64"', ["run3"]],
      ["config.training.optimizer = adam", ["run1", "run3"]],
      ['config.training.learningRate > "0"', ["run5"]],
      ["config.training.shuffle = true", ["run1"]],
      ["config.training.shuffle = false", ["run2"]],
      ["config.training.optimizer ~ AD", ["run1", "run3"]],
      ["config.modelHyperparameters.units ~ nested", ["run4"]],
      ["config.x IN (1, adam, true)", []],
      ["config.training.optimizer IN (sgd, 7, false)", ["run2"]],
      ["config.seed EXISTS", ["run1", "run2", "run3"]],
      ["NOT config.seed EXISTS", ["run4", "run5"]],
      [`config."it's"."a\\"b" = 5`, ["run4"]],
      ["config.training EXISTS AND NOT config.training.learningRate EXISTS", ["run3"]],
    ]);
  });

  it("compares summary metrics, NaN like a missing value", async () => {
    await expectSelections([
      ["summary.loss < 0.5", ["run1"]],
      ["summary.loss > 0.5", ["run2"]],
      ["summary.loss.min <= 0.5", ["run1", "run2"]],
      ["summary.loss.max > 1", ["run1", "run2"]],
      ["summary.val/loss > 0.5", ["run2"]],
      ["summary.val/loss.min = 0.25", ["run1"]],
      ["summary.loss.count = 100", ["run1"]],
      ["summary.loss.step >= 50", ["run1", "run2"]],
      ["summary.loss.step IN (3, 100)", ["run1", "run3"]],
      ["summary.loss EXISTS", ["run1", "run2", "run3"]],
      ["summary.train.loss = 0.4", ["run4"]],
      ['summary."a.min" = 7', ["run4"]],
      ["summary.a.min.last = 7", ["run4"]],
      ["summary.a.min > 0", []],
    ]);
  });

  it("compares text columns, the launcher, ids and statuses", async () => {
    await expectSelections([
      ["name = lstm-baseline", ["run1"]],
      ["name ~ LSTM", ["run1", "run3"]],
      ["name != gru-wide", ["run1", "run3", "run4", "run5"]],
      ["model IN (gru, transformer)", ["run2", "run4", "run5"]],
      ["dataset = copy", ["run2", "run4"]],
      ["name = 123", []],
      ["user = Bob", ["run2", "run5"]],
      ["user = ada@example.com", ["run1", "run4"]],
      ["user ~ ADA", ["run1", "run4"]],
      ["user IN (Bob, nobody)", ["run2", "run5"]],
      ["NOT user EXISTS", ["run3"]],
      ["id IN (run1, run3, other1)", ["run1", "run3"]],
      ["status IN (running, queued)", ["run2", "run4"]],
      ["status = diverged", ["run5"]],
      ["status != succeeded", ["run2", "run3", "run4", "run5"]],
      ["status ~ ED", ["run1", "run3", "run4", "run5"]],
      ["step > 10", ["run1", "run2"]],
      ["step = 0", ["run4"]],
      ["step IN (7, 50)", ["run2", "run5"]],
      ["NOT step EXISTS", ["run3"]],
    ]);
  });

  it("tests tags for has, has not, any of and contains, with NULL and empty tags", async () => {
    await expectSelections([
      ["tags = best", ["run1"]],
      ["tag = BEST", []],
      ["tags IN (wide, best)", ["run1", "run2"]],
      ["tags ~ BASE", ["run1"]],
      ["tags EXISTS", ["run1", "run2", "run5"]],
      ["NOT tags EXISTS", ["run3", "run4"]],
      ["NOT tags IN (wide, best)", ["run3", "run4", "run5"]],
    ]);
  });

  it("compares created with plain dates (as whole days), datetimes and times ago", async () => {
    await expectSelections([
      ["created >= 2026-11-01", ["run1", "run2", "run3", "run4"]],
      ["created = 2026-11-01", ["run4"]],
      ["created != 2026-11-01", ["run1", "run2", "run3", "run5"]],
      ["created < 2026-11-01", ["run5"]],
      ["created <= 2026-11-01", ["run4", "run5"]],
      ["created > 2026-11-01", ["run1", "run2", "run3"]],
      ["created >= 2026-11-01T12:00:00Z", ["run1", "run2", "run3", "run4"]],
      ["created > 2026-11-01T12:00:00Z", ["run1", "run2", "run3"]],
      ['created < "2026-11-01T01:00:00+01:00"', ["run5"]],
      ["created = 2026-10-31T23:59:59.999Z", ["run5"]],
      ["created > 7d", ["run2", "run3"]],
      ["created > 3h", ["run3"]],
      ["created < 3d AND created > 11d", ["run1"]],
      ["created < 2w", ["run4", "run5"]],
    ]);
  });

  it("nests NOT, AND and OR, with NOT a clean negation", async () => {
    await expectSelections([
      ["NOT (status = running OR tags = best) AND config.seed EXISTS", ["run3"]],
      ["(name ~ lstm AND NOT summary.loss < 0.5) OR step = 7", ["run3", "run5"]],
      ["name ~ lstm AND (NOT summary.loss < 0.5 OR step = 7)", ["run3"]],
      ["name = lstm-baseline OR name = gru-wide", ["run1", "run2"]],
      ["NOT NOT tags = best", ["run1"]],
      ["!(model = gru || model = lstm) && !(status = failed)", ["run4"]],
    ]);
    // Whatever the filter, it and its negation split the runs in two.
    for (const filter of [
      "config.training.learningRate > 0.005",
      "summary.loss < 0.5",
      "tags = best",
      "user = Bob",
      "step < 60",
      "config.training.optimizer ~ a AND summary.loss.max > 1",
      "created > 7d OR config.seed = 1",
    ]) {
      const yes = await select(filter);
      const no = await select(`NOT (${filter})`);
      expect({ filter, union: [...yes, ...no].sort() }).toEqual({ filter, union: ALL });
    }
  });

  it("binds hostile values, paths and keys, and leaves the tables intact", async () => {
    await expectSelections([
      [`name = "'; DROP TABLE \\"Run\\"; --"`, ["run5"]],
      [`name = "') OR 1=1 --"`, []],
      [`name ~ "' OR ''='"`, []],
      [`name != "') OR 1=1 --"`, ALL],
      [`config."'); DROP TABLE \\"Run\\"; --" EXISTS`, []],
      [`config."a'b"."c\\"d" = 1 OR config.training."x' OR '1'='1" ~ a`, []],
      [`tags IN ("a'); DROP TABLE \\"Run\\"; --", best)`, ["run1"]],
      // ~ escapes the value's own wildcards: `_` and `%` match only themselves.
      ["tags ~ _", ["run5"]],
      ['tags ~ "%"', ["run5"]],
      ['tags ~ "50%_"', ["run5"]],
      ["name ~ _", ["run4"]],
      ['name ~ "\\\\"', []],
      // Nodes the parser would refuse, as a hand-built AST could carry them.
      [
        {
          kind: "compare",
          field: { kind: "summary", key: `loss' OR '1'='1`, aggregate: "last" },
          op: "<",
          value: { kind: "number", value: 10, start: 0, end: 0 },
          start: 0,
          end: 0,
        },
        [],
      ],
      [
        {
          kind: "exists",
          field: { kind: "summary", key: `"; DELETE FROM "MetricSummary"; --`, aggregate: "last" },
          start: 0,
          end: 0,
        },
        [],
      ],
      [
        {
          kind: "compare",
          field: { kind: "column", column: "status" },
          op: "=",
          value: { kind: "string", value: `RUNNING' OR '1'='1`, start: 0, end: 0 },
          start: 0,
          end: 0,
        },
        [],
      ],
    ]);
    await expectTablesIntact();
    expect(await select("status = diverged")).toEqual(["run5"]);
  });

  it("refuses hand-built nodes the parser would never produce, before any SQL runs", () => {
    const span = { start: 0, end: 0 };
    const bad: unknown[] = [
      {
        kind: "compare",
        field: { kind: "column", column: "name; --" },
        op: "=",
        value: { kind: "string", value: "x", ...span },
        ...span,
      },
      {
        kind: "compare",
        field: { kind: "column", column: "name" },
        op: "= 1 OR",
        value: { kind: "string", value: "x", ...span },
        ...span,
      },
      {
        kind: "compare",
        field: { kind: "summary", key: "loss", aggregate: "avg" },
        op: "=",
        value: { kind: "number", value: 1, ...span },
        ...span,
      },
      {
        kind: "compare",
        field: { kind: "column", column: "created" },
        op: ">",
        value: { kind: "date", value: "2026-11-01'; --", precision: "instant", relative: null, ...span },
        ...span,
      },
      {
        kind: "compare",
        field: { kind: "column", column: "step" },
        op: ">",
        value: { kind: "string", value: "1; --", ...span },
        ...span,
      },
      {
        kind: "compare",
        field: { kind: "config", path: [] },
        op: "=",
        value: { kind: "number", value: 1, ...span },
        ...span,
      },
      { kind: "in", field: { kind: "column", column: "name" }, values: [], ...span },
      { kind: "xor", ...span },
    ];
    for (const node of bad) expect(() => compileRunFilter(node as FilterNode)).toThrow(FilterCompileError);
  });

  it("keeps every value, path and key out of the SQL text", () => {
    const filter = [
      "name = Secret-Name-77",
      "config.weirdKey.deeperKey > 0.123456",
      "config.flagKey = true",
      "summary.val/secret.min <= 42.4242",
      "tags IN (tagAlpha, tagBeta)",
      "tags ~ tagGamma",
      "user ~ someone@example.com",
      "status IN (running, diverged)",
      "created >= 2026-11-01",
      "created < 7d",
      "step != 31337",
      "id = cmvalue99",
      "config.listKey IN (5551, stringy, false)",
      "summary.metricKey EXISTS",
    ].join(" OR ");
    const compiled = compileRunFilter(parseRunFilter(filter, NOW)!);
    const literals = [
      "Secret-Name-77",
      "weirdKey",
      "deeperKey",
      "0.123456",
      "flagKey",
      "val/secret",
      "42.4242",
      "tagAlpha",
      "tagBeta",
      "tagGamma",
      "someone",
      "RUNNING",
      "DIVERGED",
      "2026-11",
      "31337",
      "cmvalue99",
      "listKey",
      "5551",
      "stringy",
      "metricKey",
    ];
    for (const literal of literals)
      expect({ literal, inSql: compiled.sql.includes(literal) }).toEqual({ literal, inSql: false });
    const values = JSON.stringify(compiled.values);
    for (const literal of literals)
      expect({ literal, inValues: values.includes(literal) }).toEqual({ literal, inValues: true });
    expect(compiled.values).toEqual(
      expect.arrayContaining([
        ["weirdKey", "deeperKey"],
        "val/secret",
        "%tagGamma%",
        ["tagAlpha", "tagBeta"],
        true,
        false,
      ]),
    );
    expect(compiled.sql).not.toMatch(/true|false/i);
  });

  it("gives each field's SQL value for SELECT and ORDER BY", async () => {
    const fields: [string, FilterField][] = [
      ["status", { kind: "column", column: "status" }],
      ["name", { kind: "column", column: "name" }],
      ["model", { kind: "column", column: "model" }],
      ["dataset", { kind: "column", column: "dataset" }],
      ["user", { kind: "column", column: "user" }],
      ["tags", { kind: "column", column: "tags" }],
      ["created", { kind: "column", column: "created" }],
      ["step", { kind: "column", column: "step" }],
      ["id", { kind: "column", column: "id" }],
      ["training", { kind: "config", path: ["training"] }],
      ["seed", { kind: "config", path: ["seed"] }],
      ["lossMin", { kind: "summary", key: "loss", aggregate: "min" }],
      ["lossCount", { kind: "summary", key: "loss", aggregate: "count" }],
      ["valLoss", { kind: "summary", key: "val/loss", aggregate: "last" }],
    ];
    const [row] = await db.prisma.$queryRaw<Record<string, unknown>[]>`
      SELECT ${Prisma.join(fields.map(([alias, field]) => Prisma.sql`${fieldValueSql(field)} AS ${Prisma.raw(`"${alias}"`)}`))}
      FROM "Run" r LEFT JOIN "User" u ON u.id = r."createdById"
      WHERE r.id = ${"run1"}`;
    expect(row).toEqual({
      status: "SUCCEEDED",
      name: "lstm-baseline",
      model: "lstm",
      dataset: "adding",
      user: "Ada Lovelace",
      tags: ["baseline", "best"],
      created: RUNS[0].createdAt,
      step: 100,
      id: "run1",
      training: RUNS[0].config.training,
      seed: 1,
      lossMin: 0.1,
      lossCount: 100,
      valLoss: 0.3,
    });
    const ordered = await db.prisma.$queryRaw<{ id: string }[]>`
      SELECT r.id FROM "Run" r JOIN "Project" p ON p.id = r."projectId"
      WHERE p."teamId" = ${teamId}
      ORDER BY ${fieldValueSql({ kind: "summary", key: "loss", aggregate: "last" })} ASC NULLS LAST, r.id`;
    // PostgreSQL sorts NaN above every number.
    expect(ordered.map((r) => r.id)).toEqual(["run1", "run2", "run3", "run4", "run5"]);
    const byStatus = await db.prisma.$queryRaw<{ id: string }[]>`
      SELECT r.id FROM "Run" r JOIN "Project" p ON p.id = r."projectId"
      WHERE p."teamId" = ${teamId} ORDER BY ${fieldValueSql({ kind: "column", column: "status" })}`;
    expect(byStatus.map((r) => r.id)).toEqual(["run4", "run2", "run1", "run3", "run5"]);
  });
});
