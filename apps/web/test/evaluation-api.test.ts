import { randomUUID } from "node:crypto";
import type { EvaluationResult, GradientFlow, GradientFlowSnapshot } from "@seqlab/contracts";
import { TrainingQueue } from "@seqlab/queue";
import { getRunEvaluation, getRunGradientFlow, getRunSeries } from "../src/server/handlers/run";
import type { RouteHandler } from "../src/server/route";
import { resolveRunConfig } from "../src/server/run-service";
import {
  authedRequest,
  createKey,
  createTeam,
  createTestApp,
  createUser,
  type TestApp,
  type TestAuth,
  type TestUser,
} from "./harness";

jest.setTimeout(120_000);

const utf8 = (value: unknown) => new TextEncoder().encode(typeof value === "string" ? value : JSON.stringify(value));

const result: EvaluationResult = {
  split: "test",
  step: 500,
  samples: 2000,
  metrics: [
    { key: "cer", value: 0.07, baseline: 0.896, higherIsBetter: false },
    { key: "exactMatch", value: 0.61, baseline: null, higherIsBetter: true },
  ],
  evaluationMs: 4200,
  trainingMs: 320_000,
};

/** The test-set result and gradient-flow routes: what they answer, what they leave out, and who may read them. */
describe("run evaluation API (test-set result, gradient flow)", () => {
  let app: TestApp;
  const queue = `q-${randomUUID().slice(0, 8)}`;
  let member: TestUser;
  let viewer: TestAuth;
  let outsider: TestAuth;
  let readOnlyKey: TestAuth;
  let otherTeamKey: TestAuth;
  let projectId: string;

  /** A queued run in team "lab", launched by the member through the service (as the API does). */
  const newRun = async () => {
    const resolved = resolveRunConfig({ model: "rnn", dataset: "adding", training: { steps: 1 }, queue });
    return (await app.services.runService.launch({ ...resolved, projectId, createdById: member.userId })).run.id;
  };
  const save = (runId: string, kind: string, name: string, content: Uint8Array, step: number | null) =>
    app.services.artifacts.saveArtifact({ runId, kind, name, content, step });

  beforeAll(async () => {
    app = await createTestApp();
    member = await createUser(app);
    const [v, o] = [await createUser(app), await createUser(app)];
    const lab = await createTeam(app, "lab", [
      [member, "member"],
      [v, "viewer"],
    ]);
    const elsewhere = await createTeam(app, "elsewhere", [[o, "owner"]]);
    projectId = lab.projectId;
    viewer = { cookie: v.cookie };
    outsider = { cookie: o.cookie };
    readOnlyKey = { bearer: (await createKey(app, member, { teamId: lab.id, readOnly: true })).key };
    otherTeamKey = { bearer: (await createKey(app, o, { teamId: elsewhere.id })).key };
  });
  afterAll(async () => {
    await new TrainingQueue({ connection: app.services.redis, queue, prefix: app.prefix }).queue.obliterate({
      force: true,
    });
    await app.close();
  });

  const call = async (handler: RouteHandler<unknown>, route: string, id: string, auth: TestAuth) => {
    const res = await handler.invoke(app.services, authedRequest("GET", `/api/runs/${id}/${route}`, auth), { id });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const evaluationOf = (id: string, auth: TestAuth = viewer) => call(getRunEvaluation, "evaluation", id, auth);
  const flowOf = (id: string, auth: TestAuth = viewer) => call(getRunGradientFlow, "gradient-flow", id, auth);

  it("answers null and an empty flow for a run that has neither yet, beside its checkpoints", async () => {
    const id = await newRun();
    await save(id, "checkpoint", "step-1", new Uint8Array([1, 2, 3]), 1);
    expect(await evaluationOf(id)).toEqual({ status: 200, body: { evaluation: null } });
    expect(await flowOf(id)).toEqual({ status: 200, body: { timeSteps: 0, snapshots: [] } });
  });

  it("serves the stored test-set result as the contract has it", async () => {
    const id = await newRun();
    await save(id, "evaluation", "test", utf8(result), 500);
    expect(await evaluationOf(id)).toEqual({ status: 200, body: { evaluation: result } });
    // Another evaluation's name is not the test split's result.
    const other = await newRun();
    await save(other, "evaluation", "validation", utf8(result), 500);
    expect((await evaluationOf(other)).body).toEqual({ evaluation: null });
  });

  it.each([
    ["bytes that are not UTF-8", new Uint8Array([0xff, 0xfe, 0x7b])],
    ["text that is not JSON", utf8("{ not json")],
    ["JSON of another shape", utf8({ ...result, split: "validation" })],
    ["a metric without its direction", utf8({ ...result, metrics: [{ key: "cer", value: 0.1, baseline: null }] })],
    ["a step that is not a whole number", utf8({ ...result, step: 1.5 })],
  ])("treats an evaluation of %s as none (200, never a 500)", async (_what, content) => {
    const id = await newRun();
    await save(id, "evaluation", "test", content, 500);
    expect(await evaluationOf(id)).toEqual({ status: 200, body: { evaluation: null } });
  });

  it("builds the flow from every parseable snapshot, oldest step first, as wide as the longest", async () => {
    const id = await newRun();
    const snapshots: GradientFlowSnapshot[] = [
      { step: 50, norms: [0.5, 0.6, 0.7, 0.8] },
      { step: 0, norms: [1e-6, 1e-3, 0.1, 1] },
      { step: 25, norms: [0, 0.01, 0.1, 0.4, 0.9, 1.2] },
    ];
    for (const s of snapshots) {
      await save(id, "gradient-flow", `step-${String(s.step).padStart(7, "0")}`, utf8(s), s.step);
    }
    // Saved without an artifact step (the database lists it last): its own step still places its row.
    const unplaced: GradientFlowSnapshot = { step: 5, norms: [0.2, 0.2] };
    await save(id, "gradient-flow", "step-0000005", utf8(unplaced), null);
    // Left out: not JSON, a negative norm, no norms at all, a norm that is not a number.
    await save(id, "gradient-flow", "step-0000010", utf8("[1, 2"), 10);
    await save(id, "gradient-flow", "step-0000020", utf8({ step: 20, norms: [0.1, -0.2] }), 20);
    await save(id, "gradient-flow", "step-0000030", utf8({ step: 30, norms: [] }), 30);
    await save(id, "gradient-flow", "step-0000040", utf8({ step: 40, norms: ["0.1"] }), 40);
    const { status, body } = await flowOf(id);
    expect(status).toBe(200);
    const expected: GradientFlow = {
      timeSteps: 6,
      snapshots: [snapshots[1]!, unplaced, snapshots[2]!, snapshots[0]!],
    };
    expect(body).toEqual(expected);
  });

  it("lets whoever may read the run read both, with a read-only key too", async () => {
    const id = await newRun();
    await save(id, "evaluation", "test", utf8(result), 500);
    await save(id, "gradient-flow", "step-0000000", utf8({ step: 0, norms: [1] }), 0);
    for (const auth of [viewer, { cookie: member.cookie }, readOnlyKey]) {
      expect(await evaluationOf(id, auth)).toEqual({ status: 200, body: { evaluation: result } });
      expect((await flowOf(id, auth)).status).toBe(200);
    }
  });

  it("answers another team's run, an unknown run and a malformed id with the series route's 404", async () => {
    const id = await newRun();
    await save(id, "evaluation", "test", utf8(result), 500);
    await save(id, "gradient-flow", "step-0000000", utf8({ step: 0, norms: [1] }), 0);
    const seriesOf = (runId: string, auth: TestAuth) => call(getRunSeries, "series", runId, auth);
    for (const [runId, auth] of [
      [id, outsider],
      [id, otherTeamKey],
      ["cmissing000000000000000000", viewer],
      ["not an id!", viewer],
    ] as const) {
      const series = await seriesOf(runId, auth);
      expect(series.status).toBe(404);
      expect(await evaluationOf(runId, auth)).toEqual(series);
      expect(await flowOf(runId, auth)).toEqual(series);
    }
    // Nothing of the run leaks in the answer.
    expect(JSON.stringify((await evaluationOf(id, outsider)).body)).not.toMatch(/cer|0\.07/);
  });

  it("asks for a sign-in (401) without a session or with an unknown key", async () => {
    const id = await newRun();
    for (const auth of [null, { bearer: "sk_seqlab_not-a-real-key" }]) {
      expect((await evaluationOf(id, auth)).status).toBe(401);
      expect((await flowOf(id, auth)).status).toBe(401);
    }
  });
});
