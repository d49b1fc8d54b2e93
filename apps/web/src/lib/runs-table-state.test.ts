import { parseRunFilter, type MetricSummary, type RunRow } from "@seqlab/contracts";
import {
  DEFAULT_EXTRA_COLUMNS,
  MAX_URL_SELECTED,
  applyProgress,
  applyRunEvent,
  applyStatus,
  buildCsv,
  builderToFilterText,
  checkFilterText,
  columnLabel,
  compareHref,
  configFieldTexts,
  contiguousRows,
  csvField,
  filterTextToBuilder,
  formatCellValue,
  formatColumnsParam,
  formatCompactNumber,
  formatDuration,
  formatRelativeTime,
  formatSelectedParam,
  formatSortParam,
  groupRuns,
  groupedItems,
  idsInRange,
  nextSort,
  pagesCovering,
  parseColumnsParam,
  parseGroupParam,
  parseSelectedParam,
  parseSortParam,
  parseTableParams,
  runDurationMs,
  runsApiPath,
  runsCsv,
  runsQuery,
  runsQueryKey,
  serverFilterProblem,
  summarizeBulkResults,
  summaryFieldTexts,
} from "./runs-table-state";

function run(overrides: Partial<RunRow> = {}): RunRow {
  return {
    id: "r1",
    name: "lstm-adding",
    project: "default",
    team: "lab",
    createdBy: { id: "u1", name: "Ada" },
    status: "RUNNING",
    modelName: "lstm",
    datasetName: "adding",
    lastStep: 100,
    finalLoss: null,
    attempt: 1,
    createdAt: "2026-11-01T09:00:00.000Z",
    startedAt: "2026-11-01T09:00:05.000Z",
    finishedAt: null,
    tags: [],
    external: false,
    values: {},
    ...overrides,
  };
}

function window(overrides: Partial<MetricSummary> = {}): MetricSummary {
  return { key: "loss", last: 0.5, min: 0.4, max: 0.9, step: 150, count: 50, wallTime: 1, ...overrides };
}

describe("URL parameters", () => {
  it("reads and writes sort keys in canonical form, dropping bad and repeated fields", () => {
    const sort = parseSortParam("-summary.val/loss.min,created,bogus,summary.loss.last,-created");
    expect(sort).toEqual([
      { field: "summary.val/loss.min", desc: true },
      { field: "created", desc: false },
      { field: "summary.loss", desc: false },
    ]);
    expect(formatSortParam(sort)).toBe("-summary.val/loss.min,created,summary.loss");
    expect(formatSortParam([])).toBeNull();
    expect(parseSortParam(null)).toEqual([]);
  });

  it("defaults the extra columns to summary.loss and tells none from absent", () => {
    expect(parseColumnsParam(null)).toEqual([...DEFAULT_EXTRA_COLUMNS]);
    expect(formatColumnsParam(DEFAULT_EXTRA_COLUMNS)).toBeNull();
    expect(formatColumnsParam([])).toBe("none");
    expect(parseColumnsParam("none")).toEqual([]);
    expect(parseColumnsParam("config.training.learningRate,summary.loss.min,status,nope,summary.loss.min")).toEqual([
      "config.training.learningRate",
      "summary.loss.min",
    ]);
  });

  it("groups only by config keys", () => {
    expect(parseGroupParam("config.modelHyperparameters.units")).toBe("config.modelHyperparameters.units");
    expect(parseGroupParam("status")).toBeNull();
    expect(parseGroupParam("")).toBeNull();
    expect(parseGroupParam(null)).toBeNull();
  });

  it("keeps a selection in the URL only while it is small", () => {
    expect(parseSelectedParam("a, b,,a")).toEqual(["a", "b"]);
    expect(formatSelectedParam(["a", "b"])).toBe("a,b");
    expect(formatSelectedParam([])).toBeNull();
    const many = Array.from({ length: MAX_URL_SELECTED + 1 }, (_, i) => `r${i}`);
    expect(formatSelectedParam(many)).toBeNull();
  });

  it("round-trips a whole table state through the URL", () => {
    const state = parseTableParams({
      filter: "status = RUNNING",
      sort: "-step",
      columns: "config.a,summary.loss.max",
      group: "config.a",
    });
    expect(state).toEqual({
      filter: "status = RUNNING",
      sort: [{ field: "step", desc: true }],
      columns: ["config.a", "summary.loss.max"],
      group: "config.a",
    });
    expect(
      parseTableParams({
        filter: state.filter,
        sort: formatSortParam(state.sort),
        columns: formatColumnsParam(state.columns),
        group: state.group,
      }),
    ).toEqual(state);
  });
});

describe("sorting", () => {
  it("cycles a column ascending, descending, off", () => {
    let sort = nextSort([], "step", false);
    expect(sort).toEqual([{ field: "step", desc: false }]);
    sort = nextSort(sort, "step", false);
    expect(sort).toEqual([{ field: "step", desc: true }]);
    expect(nextSort(sort, "step", false)).toEqual([]);
  });

  it("replaces the sort on a plain click and adds to it on shift-click", () => {
    const first = [{ field: "status", desc: true }];
    expect(nextSort(first, "name", false)).toEqual([{ field: "name", desc: false }]);
    const both = nextSort(first, "name", true);
    expect(both).toEqual([
      { field: "status", desc: true },
      { field: "name", desc: false },
    ]);
    expect(nextSort(both, "name", true)).toEqual([
      { field: "status", desc: true },
      { field: "name", desc: true },
    ]);
    expect(nextSort(nextSort(both, "name", true), "name", true)).toEqual(first);
  });

  it("asks the server to sort by the grouped field first, keeping its direction when the user sorts by it", () => {
    const state = parseTableParams({ sort: "-step,-config.a", group: "config.a", columns: null });
    const query = runsQuery(state);
    expect(query.sort).toEqual([
      { field: "config.a", desc: true },
      { field: "step", desc: true },
    ]);
    expect(query.columns).toEqual(["summary.train/loss", "config.a"]);
    expect(runsQuery(parseTableParams({ group: "config.b" })).sort).toEqual([{ field: "config.b", desc: false }]);
  });

  it("builds the API path and a key that is equal for equal queries", () => {
    const query = runsQuery(parseTableParams({ filter: " tags = a b ", sort: "-step" }));
    const path = runsApiPath({ team: "lab", project: "default" }, query, 500, 500);
    const params = new URL(path, "http://x").searchParams;
    expect(params.get("filter")).toBe("tags = a b");
    expect(params.get("sort")).toBe("-step");
    expect(params.get("columns")).toBe("summary.train/loss");
    expect(params.get("offset")).toBe("500");
    expect(params.get("limit")).toBe("500");
    expect(runsQueryKey(query)).toBe(
      runsQueryKey(runsQuery(parseTableParams({ filter: "tags = a b", sort: "-step" }))),
    );
    expect(runsQueryKey(query)).not.toBe(runsQueryKey(runsQuery(parseTableParams({ filter: "tags = a b" }))));
  });
});

describe("filter problems", () => {
  it("reports a client-side parse error with its position", () => {
    const checked = checkFilterText("status = RUNNING AND");
    expect(checked.ok).toBe(false);
    if (!checked.ok) {
      expect(checked.problem.position).toBe(20);
      expect(checked.problem.message).toMatch(/expected a field/);
    }
    expect(checkFilterText("")).toEqual({ ok: true, node: null });
  });

  it("reads the position out of the server's 400", () => {
    expect(
      serverFilterProblem({
        error: "invalid filter: unknown field",
        issues: [{ path: "filter", message: 'unknown field "bogus" at 14 (at 14)' }],
      }),
    ).toEqual({ message: 'unknown field "bogus"', position: 14, length: 0 });
    expect(serverFilterProblem({ issues: [{ path: "sort", message: "x (at 1)" }] })).toBeNull();
  });
});

describe("visual builder", () => {
  it("writes conditions as the canonical filter text", () => {
    const text = builderToFilterText({
      join: "and",
      conditions: [
        { field: "status", op: "=", value: "running", negate: false },
        { field: "summary.loss", op: "<", value: "0.1", negate: false },
        { field: "model", op: "IN", value: "rnn, lstm", negate: true },
        { field: "config.training.optimizer", op: "=", value: "", negate: false },
        { field: "summary.val/loss", op: "EXISTS", value: "", negate: false },
      ],
    });
    expect(text).toBe(
      "status = RUNNING AND summary.loss < 0.1 AND NOT model IN (rnn, lstm) AND summary.val/loss EXISTS",
    );
    expect(parseRunFilter(text)).not.toBeNull();
  });

  it("combines with OR and quotes values that need it", () => {
    expect(
      builderToFilterText({
        join: "or",
        conditions: [
          { field: "config.modelHyperparameters.units", op: ">=", value: "64", negate: false },
          { field: "tags", op: "=", value: "my baseline", negate: false },
          { field: "created", op: ">", value: "7d", negate: false },
        ],
      }),
    ).toBe('config.modelHyperparameters.units >= 64 OR tags = "my baseline" OR created > 7d');
    expect(builderToFilterText({ join: "and", conditions: [] })).toBe("");
  });

  it("reads a text's top-level conditions back, and gives up on anything nested", () => {
    expect(filterTextToBuilder("status = RUNNING AND NOT (model IN (rnn, lstm)) AND created > 7d")).toEqual({
      join: "and",
      conditions: [
        { field: "status", op: "=", value: "RUNNING", negate: false },
        { field: "model", op: "IN", value: "rnn, lstm", negate: true },
        { field: "created", op: ">", value: "7d", negate: false },
      ],
    });
    expect(filterTextToBuilder("summary.loss < 0.1 OR tags = baseline")?.join).toBe("or");
    expect(filterTextToBuilder("")).toEqual({ join: "and", conditions: [] });
    expect(filterTextToBuilder("a = 1 AND (b = 2")).toBeNull();
    expect(filterTextToBuilder("status = RUNNING AND (model = rnn OR model = lstm)")).toBeNull();
    expect(filterTextToBuilder('config.a = "64"')).toBeNull();
  });

  it("round-trips through the builder", () => {
    for (const text of [
      "status = RUNNING AND summary.loss < 0.1",
      "config.modelHyperparameters.units >= 64 OR tags = baseline",
      "NOT model IN (rnn, lstm)",
      "created > 2026-11-01 AND name ~ adding",
    ]) {
      const state = filterTextToBuilder(text);
      expect(state).not.toBeNull();
      expect(builderToFilterText(state!)).toBe(text);
    }
  });
});

describe("live rows", () => {
  it("folds progress windows into the summary columns it holds", () => {
    const row = run({
      lastStep: 100,
      values: { "summary.loss": 0.6, "summary.loss.min": 0.45, "summary.loss.max": 2, "summary.acc": 0.3 },
    });
    const next = applyProgress(row, 150, [window(), window({ key: "other", last: 9 })]);
    expect(next.lastStep).toBe(150);
    expect(next.values).toEqual({
      "summary.loss": 0.5,
      "summary.loss.min": 0.4,
      "summary.loss.max": 2,
      "summary.acc": 0.3,
    });
    expect(row.values["summary.loss"]).toBe(0.6);
  });

  it("adds counts and keeps the later last value", () => {
    const row = run({ values: { "summary.loss.count": 100, "summary.loss.step": 200, "summary.loss": 0.2 } });
    const next = applyProgress(row, 150, [window({ step: 150 })]);
    expect(next.values).toEqual({ "summary.loss.count": 150, "summary.loss.step": 200, "summary.loss": 0.2 });
  });

  it("fills summary columns of a run that had no points yet", () => {
    const row = run({ lastStep: null, values: { "summary.loss": null, "summary.loss.min": null } });
    const next = applyProgress(row, 3, [window({ step: 3, last: 1.5, min: 1.2 })]);
    expect(next.lastStep).toBe(3);
    expect(next.values).toEqual({ "summary.loss": 1.5, "summary.loss.min": 1.2 });
  });

  it("applies status events with the times they imply", () => {
    const queued = run({ status: "QUEUED", startedAt: null, lastStep: null });
    const running = applyStatus(queued, "RUNNING", "2026-11-01T10:00:00.000Z");
    expect(running).toMatchObject({ status: "RUNNING", startedAt: "2026-11-01T10:00:00.000Z", finishedAt: null });
    const done = applyRunEvent(
      running,
      { type: "status", runId: "r1", status: "SUCCEEDED" },
      "2026-11-01T10:05:00.000Z",
    );
    expect(done).toMatchObject({ status: "SUCCEEDED", finishedAt: "2026-11-01T10:05:00.000Z" });
    expect(applyRunEvent(done, { type: "status", runId: "other", status: "FAILED" }, "x")).toBe(done);
    expect(applyStatus(queued, "CANCELLED", "x").finishedAt).toBeNull();
  });
});

describe("grouping", () => {
  const rows = [
    run({ id: "a", values: { "config.units": 64, "summary.loss": 1 } }),
    run({ id: "b", values: { "config.units": 64, "summary.loss": 3 } }),
    run({ id: "c", values: { "config.units": 128, "summary.loss": null } }),
    run({ id: "d", values: {} }),
  ];

  it("groups rows by value in first-seen order, with the mean of each summary column", () => {
    const groups = groupRuns(rows, "config.units", ["summary.loss"]);
    expect(groups.map((g) => [g.value, g.rows.map((r) => r.id), g.means["summary.loss"]])).toEqual([
      [64, ["a", "b"], 2],
      [128, ["c"], null],
      [null, ["d"], null],
    ]);
  });

  it("lists group headers and hides the rows of collapsed groups", () => {
    const groups = groupRuns(rows, "config.units", []);
    const items = groupedItems(groups, new Set([JSON.stringify(64)]));
    expect(items.map((i) => (i.kind === "group" ? `g:${String(i.group.value)}` : i.row.id))).toEqual([
      "g:64",
      "g:128",
      "c",
      "g:null",
      "d",
    ]);
  });

  it("works on the leading pages that are loaded without a gap", () => {
    const pages = new Map([
      [0, [rows[0]!]],
      [1, [rows[1]!]],
      [3, [rows[2]!]],
    ]);
    expect(contiguousRows(pages).map((r) => r.id)).toEqual(["a", "b"]);
    expect(pagesCovering(490, 1010, 500)).toEqual([0, 1, 2]);
    expect(pagesCovering(0, -1, 500)).toEqual([]);
  });
});

describe("formatting", () => {
  it("formats numbers in 4 significant digits", () => {
    expect(formatCompactNumber(0.123456)).toBe("0.1235");
    expect(formatCompactNumber(64)).toBe("64");
    expect(formatCompactNumber(12000)).toBe("12000");
    expect(formatCompactNumber(123456.7)).toBe("123500");
    expect(formatCompactNumber(0.000012346)).toBe("1.235e-5");
    expect(formatCompactNumber(1e9)).toBe("1e+9");
    expect(formatCompactNumber(0.1)).toBe("0.1");
    expect(formatCompactNumber(Number.NaN)).toBe("NaN");
  });

  it("formats cell values of every JSON kind", () => {
    expect(formatCellValue(null)).toBe("–");
    expect(formatCellValue("adam")).toBe("adam");
    expect(formatCellValue(true)).toBe("true");
    expect(formatCellValue({ a: 1 })).toBe('{"a":1}');
  });

  it("formats durations", () => {
    expect(formatDuration(12_400)).toBe("12s");
    expect(formatDuration(252_000)).toBe("4m12s");
    expect(formatDuration(3 * 3_600_000 + 5 * 60_000)).toBe("3h05m");
    expect(formatDuration(2 * 86_400_000 + 4 * 3_600_000)).toBe("2d04h");
  });

  it("measures a run from start to finish, or to now while it runs", () => {
    const start = Date.parse("2026-11-01T09:00:05.000Z");
    expect(runDurationMs(run(), start + 60_000)).toBe(60_000);
    expect(runDurationMs(run(), null)).toBeNull();
    expect(runDurationMs(run({ status: "SUCCEEDED", finishedAt: "2026-11-01T09:04:17.000Z" }), null)).toBe(252_000);
    expect(runDurationMs(run({ startedAt: null }), start)).toBeNull();
    expect(runDurationMs(run({ status: "FAILED" }), start + 5)).toBeNull();
  });

  it("shows created times relative to now, or as a date before now is known", () => {
    const iso = "2026-11-01T09:00:00.000Z";
    const t = Date.parse(iso);
    expect(formatRelativeTime(iso, null)).toBe("2026-11-01");
    expect(formatRelativeTime(iso, t + 45_000)).toBe("45s ago");
    expect(formatRelativeTime(iso, t + 12 * 60_000)).toBe("12m ago");
    expect(formatRelativeTime(iso, t + 3 * 3_600_000)).toBe("3h ago");
    expect(formatRelativeTime(iso, t + 5 * 86_400_000)).toBe("5d ago");
    expect(formatRelativeTime(iso, t + 90 * 86_400_000)).toBe("2026-11-01");
  });

  it("labels columns", () => {
    expect(columnLabel("status")).toBe("Status");
    expect(columnLabel("config.training.learningRate")).toBe("training.learningRate");
    expect(columnLabel("summary.loss")).toBe("loss");
    expect(columnLabel("summary.val/loss.min")).toBe("val/loss.min");
  });

  it("lists picker fields in canonical form", () => {
    expect(configFieldTexts(["training.learningRate", "a b"])).toEqual([
      "config.training.learningRate",
      'config."a b"',
    ]);
    expect(summaryFieldTexts(["loss"])).toEqual(["summary.loss", "summary.loss.min", "summary.loss.max"]);
  });
});

describe("CSV", () => {
  it("quotes fields per RFC 4180", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
    expect(
      buildCsv([
        ["a", "b"],
        ["1", ""],
      ]),
    ).toBe("a,b\r\n1,\r\n");
  });

  it("exports the columns of runs with full precision", () => {
    const rows = [
      run({
        id: "r1",
        name: 'lstm, "big"',
        status: "SUCCEEDED",
        finishedAt: "2026-11-01T09:04:17.000Z",
        tags: ["a", "b c"],
        values: { "summary.loss": 0.123456789, "config.opt": { lr: 1 } },
      }),
      run({ id: "r2", createdBy: null, lastStep: null, values: {} }),
    ];
    const csv = runsCsv(
      rows,
      ["name", "user", "tags", "duration", "step", "summary.loss", "config.opt"],
      Date.parse("2026-11-01T09:00:15.000Z"),
    );
    expect(csv.split("\r\n")).toEqual([
      "id,name,user,tags,duration,step,summary.loss,config.opt",
      'r1,"lstm, ""big""",Ada,a;b c,252,100,0.123456789,"{""lr"":1}"',
      "r2,lstm-adding,,,10,,,",
      "",
    ]);
  });
});

describe("bulk actions and selection", () => {
  it("sums up a bulk answer", () => {
    expect(
      summarizeBulkResults([
        { id: "a", ok: true, status: 200 },
        { id: "b", ok: true, status: 200 },
        { id: "c", ok: true, status: 202, outcome: "cancelled" },
        { id: "d", ok: false, status: 403, error: "no" },
        { id: "e", ok: false, status: 409, error: "already finished" },
      ]),
    ).toBe("3 changed, 1 not allowed, 1 already finished");
  });

  it("links at most 20 runs to the compare page", () => {
    const ids = Array.from({ length: 25 }, (_, i) => `r${i}`);
    const href = compareHref({ team: "lab", project: "default" }, ids);
    expect(href.startsWith("/t/lab/p/default/compare?runs=r0,r1,")).toBe(true);
    expect(href.split("=")[1]!.split(",")).toHaveLength(20);
  });

  it("selects a range either way, skipping unloaded rows", () => {
    const rows = [run({ id: "a" }), undefined, run({ id: "c" }), run({ id: "d" })];
    expect(idsInRange((i) => rows[i], 3, 0)).toEqual(["a", "c", "d"]);
    expect(idsInRange((i) => rows[i], 2, 9)).toEqual(["c", "d"]);
  });
});
