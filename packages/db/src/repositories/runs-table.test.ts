import { TrainingSettings, parseFieldRef, parseRunFilter, type ResolvedRunConfig } from "@seqlab/contracts";
import { createTestDatabase, type TestDatabase } from "../test-database";
import { MetricRepository, ProjectRepository, RunRepository } from "./index";

const configOf = (units: number, lr: number): ResolvedRunConfig => ({
  model: units > 32 ? "lstm" : "rnn",
  modelHyperparameters: { units },
  dataset: "adding",
  datasetParams: { length: 10 },
  training: TrainingSettings.parse({ steps: 5, learningRate: lr }),
  seed: units,
});

describe("the runs table query (real PostgreSQL)", () => {
  let db: TestDatabase;
  let runs: RunRepository;
  let metrics: MetricRepository;
  let teamId: string;
  const ids: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    runs = new RunRepository(db.prisma);
    metrics = new MetricRepository(db.prisma);
    const project = await new ProjectRepository(db.prisma).ensureProject({ teamSlug: "table", projectSlug: "p" });
    teamId = project.teamId;
    // Twelve runs: units 8..96, learning rates 1e-2 / 1e-3, losses that fall with units; run 11 has no val/loss.
    for (let i = 0; i < 12; i++) {
      const units = 8 * (i + 1);
      const run = await runs.createRun({
        projectId: project.id,
        name: `run-${i}`,
        config: configOf(units, i % 2 === 0 ? 1e-2 : 1e-3),
        priority: 0,
        queueName: "default",
      });
      ids.push(run.id);
      const points = [0, 1, 2].flatMap((step) => [
        { key: "loss", step, value: 1 / units + step / 100, wallTime: 1000 + step },
        ...(i === 11 ? [] : [{ key: "val/loss", step, value: 2 / units - step / 1000, wallTime: 1000 + step }]),
      ]);
      await metrics.insertPoints(run.id, points);
    }
    await runs.retagRuns([ids[0]!, ids[3]!], { add: ["baseline", "keep"] });
  });
  afterAll(() => db.drop());

  const query = (
    filter: string | null,
    sort: string[] = [],
    columns: string[] = [],
    page = { limit: 200, offset: 0 },
  ) =>
    runs.queryRuns({
      teamIds: [teamId],
      filter: filter ? parseRunFilter(filter) : null,
      sort: sort.map((s) => ({ field: parseFieldRef(s.replace(/^-/, "")), desc: s.startsWith("-") })),
      columns: columns.map(parseFieldRef),
      ...page,
    });

  it("filters on config and summaries, sorts by a summary, and returns the asked columns", async () => {
    const { total, rows } = await query(
      "config.modelHyperparameters.units >= 40 AND summary.val/loss.min < 0.04",
      ["-summary.val/loss.min"],
      ["config.modelHyperparameters.units", "summary.loss", "summary.val/loss.min", "config.training.learningRate"],
    );
    // units 40..88 have val/loss.min = 2/units - 0.002 < 0.04 for units > 47.6 → 48, 56, ..., 88 (run 11 has none).
    expect(rows.map((r) => r.values["config.modelHyperparameters.units"])).toEqual([48, 56, 64, 72, 80, 88]);
    expect(total).toBe(6);
    const first = rows[0]!;
    expect(first.values["summary.loss"]).toBeCloseTo(1 / 48 + 0.02);
    expect(first.values["summary.val/loss.min"]).toBeCloseTo(2 / 48 - 0.002);
    expect(first.values["config.training.learningRate"]).toBe(1e-3);
  });

  it("sorts missing values last either way, then newest first, and pages with a total", async () => {
    const asc = await query(null, ["summary.val/loss"], [], { limit: 5, offset: 0 });
    expect(asc.total).toBe(12);
    expect(asc.rows.map((r) => r.name)).toEqual(["run-10", "run-9", "run-8", "run-7", "run-6"]);
    const desc = await query(null, ["-summary.val/loss"], [], { limit: 20, offset: 0 });
    expect(desc.rows.at(-1)!.name).toBe("run-11");
    const second = await query(null, ["summary.val/loss"], [], { limit: 5, offset: 5 });
    expect(second.rows.map((r) => r.name)).toEqual(["run-5", "run-4", "run-3", "run-2", "run-1"]);
    const past = await query(null, [], [], { limit: 5, offset: 50 });
    expect(past).toEqual({ total: 12, rows: [] });
    const newest = await query(null);
    expect(newest.rows[0]!.name).toBe("run-11");
  });

  it("reads tags, NOT, OR and summaries that a run lacks", async () => {
    expect((await query("tags = baseline")).rows.map((r) => r.name).sort()).toEqual(["run-0", "run-3"]);
    expect((await query("NOT summary.val/loss EXISTS")).rows.map((r) => r.name)).toEqual(["run-11"]);
    const either = await query("tags = keep OR config.modelHyperparameters.units > 90");
    expect(either.rows.map((r) => r.name).sort()).toEqual(["run-0", "run-11", "run-3"]);
    expect((await query("summary.val/loss != 0")).total).toBe(12);
    expect((await query("model = nope")).total).toBe(0);
  });

  it("filters and sorts by duration in seconds, a running run's up to now, runs never started last", async () => {
    const started = new Date(Date.now() - 3_600_000);
    // run-0 took 10 s, run-1 60 s, run-2 has been running for an hour; the rest never started.
    await db.prisma.run.update({
      where: { id: ids[0]! },
      data: { startedAt: started, finishedAt: new Date(started.getTime() + 10_000) },
    });
    await db.prisma.run.update({
      where: { id: ids[1]! },
      data: { startedAt: started, finishedAt: new Date(started.getTime() + 60_000) },
    });
    await db.prisma.run.update({ where: { id: ids[2]! }, data: { startedAt: started } });
    const longest = await query(null, ["-duration"], ["duration"], { limit: 4, offset: 0 });
    expect(longest.rows.map((r) => r.name)).toEqual(["run-2", "run-1", "run-0", "run-11"]);
    expect(longest.rows[1]!.values.duration).toBeCloseTo(60);
    expect(longest.rows[0]!.values.duration as number).toBeGreaterThanOrEqual(3600);
    expect((await query("duration >= 30")).rows.map((r) => r.name).sort()).toEqual(["run-1", "run-2"]);
    expect((await query("duration < 30")).rows.map((r) => r.name)).toEqual(["run-0"]);
    expect(() => parseRunFilter("duration ~ 3")).toThrow(/cannot be compared with "~"/);
  });

  it("retags in bulk without duplicates, edits one run, and lists the fields a project uses", async () => {
    await runs.retagRuns([ids[0]!, ids[1]!], { add: ["keep", "new"], remove: ["baseline"] });
    const tagged = await query("tags = keep", ["config.modelHyperparameters.units"]);
    expect(tagged.rows.map((r) => [r.name, r.tags])).toEqual([
      ["run-0", ["keep", "new"]],
      ["run-1", ["keep", "new"]],
      ["run-3", ["baseline", "keep"]],
    ]);
    expect(await runs.editRun(ids[2]!, { notes: "lr too high", tags: ["x"] })).toBe(true);
    expect(await runs.editRun("missing", { notes: "" })).toBe(false);
    expect(await runs.getRunDetail(ids[2]!)).toMatchObject({ notes: "lr too high", tags: ["x"] });
    expect(await runs.configKeys([teamId])).toEqual(
      expect.arrayContaining(["modelHyperparameters.units", "training.learningRate", "datasetParams.length", "seed"]),
    );
    expect(await metrics.summaryKeys([teamId])).toEqual(["loss", "val/loss"]);
  });
});
