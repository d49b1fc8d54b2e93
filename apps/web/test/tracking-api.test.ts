import { randomUUID } from "node:crypto";
import { TrainingQueue } from "@seqlab/queue";
import { bulkRuns, launchRun, listRunFields, listRuns } from "../src/server/handlers/runs";
import { getRun, getRunMetrics, getRunSeries, getRunsSeries, patchRun } from "../src/server/handlers/run";
import { authedRequest, createTeam, createTestApp, createUser, type TestApp, type TestAuth } from "./harness";

jest.setTimeout(60_000);

/** The runs table's HTTP API: filter, sort, columns, paging, tags, notes, bulk actions, series and export. */
describe("tracking API (filter, sort, bulk, series, export)", () => {
  let app: TestApp;
  const queue = `q-${randomUUID().slice(0, 8)}`;
  let member: TestAuth;
  let viewer: TestAuth;
  let otherMember: TestAuth;
  const mine: string[] = [];
  let theirs: string;

  beforeAll(async () => {
    app = await createTestApp({ limits: { launchesPerMinute: 1000 } });
    const [m, v, o] = [await createUser(app), await createUser(app), await createUser(app)];
    await createTeam(app, "lab", [
      [m, "member"],
      [v, "viewer"],
      [o, "member"],
    ]);
    member = { cookie: m.cookie };
    viewer = { cookie: v.cookie };
    otherMember = { cookie: o.cookie };
    const launch = async (auth: TestAuth, units: number) => {
      const res = await launchRun.invoke(
        app.services,
        authedRequest("POST", "/api/runs", auth, {
          name: `u${units}`,
          model: "rnn",
          dataset: "adding",
          modelHyperparameters: { units },
          queue,
        }),
      );
      expect(res.status).toBe(201);
      return ((await res.json()) as { run: { id: string } }).run.id;
    };
    for (const units of [4, 8, 16, 32]) mine.push(await launch(member, units));
    theirs = await launch(otherMember, 64);
    // Loss falls with units; 64 units also has a spike.
    for (const [i, id] of [...mine, theirs].entries()) {
      const units = [4, 8, 16, 32, 64][i]!;
      await app.services.metrics.insertPoints(
        id,
        Array.from({ length: 40 }, (_, step) => ({
          key: "loss",
          step,
          value: step === 20 && units === 64 ? 9 : 1 / units,
          wallTime: Date.UTC(2026, 11, 1) + step * 1000,
        })),
      );
    }
  });
  afterAll(async () => {
    await new TrainingQueue({ connection: app.services.redis, queue, prefix: app.prefix }).queue.obliterate({
      force: true,
    });
    await app.close();
  });

  const list = async (query: string, auth = viewer) => {
    const res = await listRuns.invoke(app.services, authedRequest("GET", `/api/runs?${query}`, auth));
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it("filters, sorts and returns columns; the total counts every match", async () => {
    const { status, body } = await list(
      `filter=${encodeURIComponent("config.modelHyperparameters.units >= 8 AND summary.loss.max < 1")}` +
        `&sort=${encodeURIComponent("summary.loss")}&columns=${encodeURIComponent("config.modelHyperparameters.units,summary.loss.max")}&limit=2`,
    );
    expect(status).toBe(200);
    const runs = body.runs as { name: string; values: Record<string, unknown> }[];
    expect(body.total).toBe(3); // 8, 16, 32 (64 has a max of 9)
    expect(runs.map((r) => r.name)).toEqual(["u32", "u16"]);
    expect(runs[0]!.values).toEqual({ "config.modelHyperparameters.units": 32, "summary.loss.max": 1 / 32 });
  });

  it("answers a bad filter, sort or column with a 400 that points at the position, and changes nothing", async () => {
    const bad = await list(`filter=${encodeURIComponent("status = RUNNING AND (summary.loss <")}`);
    expect(bad.status).toBe(400);
    expect(bad.body.issues).toEqual([{ path: "filter", message: expect.stringMatching(/at 36$/) }]);
    const unknown = await list(`filter=${encodeURIComponent("lossy > 3")}`);
    expect(unknown.body.issues).toEqual([{ path: "filter", message: expect.stringContaining("lossy") }]);
    const sort = await list(`sort=${encodeURIComponent("-bogus.field")}`);
    expect(sort).toMatchObject({ status: 400, body: { issues: [{ path: "sort" }] } });
    const columns = await list(`columns=${encodeURIComponent("config.")}`);
    expect(columns).toMatchObject({ status: 400, body: { issues: [{ path: "columns" }] } });
    const injected = await list(`filter=${encodeURIComponent(`name = "x'; DROP TABLE \\"Run\\"; --"`)}`);
    expect(injected).toMatchObject({ status: 200, body: { total: 0 } });
    expect((await list("")).body.total).toBe(5);
  });

  it("lists the config keys and summary metrics the team's runs have", async () => {
    const res = await listRunFields.invoke(app.services, authedRequest("GET", "/api/runs/fields?team=lab", viewer));
    const body = (await res.json()) as { config: string[]; summary: string[] };
    expect(body.config).toEqual(expect.arrayContaining(["modelHyperparameters.units", "training.steps", "seed"]));
    expect(body.summary).toEqual(["loss"]);
  });

  it("edits tags and notes of one's own runs only, and tags in bulk what the caller may change", async () => {
    const patch = (id: string, auth: TestAuth, body: unknown) =>
      patchRun.invoke(app.services, authedRequest("PATCH", `/api/runs/${id}`, auth, body), { id });
    const edited = await patch(mine[0]!, member, { tags: ["b", "a", "a"], notes: "first try" });
    expect(edited.status).toBe(200);
    expect(((await edited.json()) as { run: { tags: string[]; notes: string } }).run).toMatchObject({
      tags: ["a", "b"],
      notes: "first try",
    });
    expect((await patch(mine[0]!, viewer, { notes: "x" })).status).toBe(403);
    expect((await patch(mine[0]!, member, { tags: ["no,commas"] })).status).toBe(400);
    expect((await patch(mine[0]!, member, {})).status).toBe(400);
    const bulk = async (auth: TestAuth, body: unknown) => {
      const res = await bulkRuns.invoke(app.services, authedRequest("POST", "/api/runs/bulk", auth, body));
      return {
        status: res.status,
        body: (await res.json()) as { results: { id: string; ok: boolean; status: number }[] },
      };
    };
    const tagged = await bulk(member, { action: "tag", runIds: [mine[1]!, mine[2]!, theirs], tags: ["sweep"] });
    expect(tagged.status).toBe(200);
    expect(Object.fromEntries(tagged.body.results.map((r) => [r.id, r.status]))).toEqual({
      [mine[1]!]: 200,
      [mine[2]!]: 200,
      [theirs]: 403,
    });
    expect((await list(`filter=${encodeURIComponent("tags = sweep")}`)).body.total).toBe(2);
    expect((await bulk(viewer, { action: "tag", runIds: [mine[1]!], tags: ["x"] })).status).toBe(403);
    expect((await bulk(member, { action: "explode", runIds: [mine[1]!] })).status).toBe(400);
    const cancelled = await bulk(member, { action: "cancel", runIds: [mine[3]!] });
    expect(cancelled.body.results).toEqual([expect.objectContaining({ id: mine[3]!, ok: true, status: 202 })]);
    const detail = await getRun.invoke(app.services, authedRequest("GET", `/api/runs/${mine[3]}`, member), {
      id: mine[3]!,
    });
    expect(((await detail.json()) as { run: { status: string } }).run.status).toBe("CANCELLED");
  });

  it("serves a run's series in aligned buckets that keep spikes, and refuses bad ranges", async () => {
    const series = (query: string) =>
      getRunSeries.invoke(app.services, authedRequest("GET", `/api/runs/${theirs}/series?${query}`, viewer), {
        id: theirs,
      });
    const res = await series("buckets=10");
    expect(res.headers.get("server-timing")).toMatch(/^series;dur=/);
    const body = (await res.json()) as {
      width: number;
      series: { key: string; buckets: { bucket: number; max: number; count: number }[] }[];
    };
    expect(body.width).toBe(4); // 40 steps in at most 10 buckets
    expect(body.series[0]!.buckets).toHaveLength(10);
    expect(body.series[0]!.buckets.find((b) => b.bucket === 5)!.max).toBe(9);
    expect((await series("from=30&to=10")).status).toBe(400);
    expect((await series("buckets=0")).status).toBe(400);
    expect((await series("keys=bad%20key")).status).toBe(400);
  });

  it("serves several runs' series at one width in one request, and lists the ones it cannot", async () => {
    const missing = "cmissing000000000000000000";
    const res = await getRunsSeries.invoke(
      app.services,
      authedRequest("GET", `/api/runs/series?runs=${theirs},${mine[0]},${missing}&buckets=10`, viewer),
    );
    const body = (await res.json()) as { runs: Record<string, { width: number }>; missing: string[] };
    expect(Object.keys(body.runs).sort()).toEqual([theirs, mine[0]!].sort());
    expect(new Set(Object.values(body.runs).map((r) => r.width))).toEqual(new Set([4]));
    expect(body.missing).toEqual([missing]);
    const stranger = await createUser(app);
    const denied = await getRunsSeries.invoke(
      app.services,
      authedRequest("GET", `/api/runs/series?runs=${theirs}`, { cookie: stranger.cookie }),
    );
    expect(await denied.json()).toEqual({ runs: {}, missing: [theirs] });
  });

  it("exports every point as CSV or JSON", async () => {
    const exported = (format: string) =>
      getRunMetrics.invoke(app.services, authedRequest("GET", `/api/runs/${theirs}/metrics?format=${format}`, viewer), {
        id: theirs,
      });
    const csv = await (await exported("csv")).text();
    const lines = csv.trim().split("\n");
    expect(lines[0]).toBe("key,step,value,wall_time");
    expect(lines).toHaveLength(41);
    expect(lines[21]).toBe(`loss,20,9,${new Date(Date.UTC(2026, 11, 1) + 20_000).toISOString()}`);
    const json = (await (await exported("json")).json()) as { points: { step: number }[] };
    expect(json.points.map((p) => p.step)).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });
});
