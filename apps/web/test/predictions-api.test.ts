import { randomUUID } from "node:crypto";
import type { PredictionInputs, PredictionsSnapshot } from "@seqlab/contracts";
import { TrainingQueue } from "@seqlab/queue";
import { getRunPredictions, resumeRun } from "../src/server/handlers/run";
import { launchRun } from "../src/server/handlers/runs";
import { resolveRunConfig } from "../src/server/run-service";
import { authedRequest, createTeam, createTestApp, createUser, type TestApp, type TestUser } from "./harness";

jest.setTimeout(120_000);

const utf8 = (value: unknown) => new TextEncoder().encode(typeof value === "string" ? value : JSON.stringify(value));

const snapshotAt = (step: number): PredictionsSnapshot => ({
  step,
  task: "adding",
  samples: [
    {
      index: 0,
      input: {},
      target: "1.000",
      prediction: (step / 100).toFixed(3),
      score: { key: "mse", value: 1 / step },
    },
  ],
});
const inputs: PredictionInputs = { samples: [{ index: 0, text: "100 values, 2 marked", series: [0.1, 0.2] }] };

/** The Predictions panel's route and Resume: what they answer, and what a bad request changes (nothing). */
describe("run predictions and resume API", () => {
  let app: TestApp;
  const queue = `q-${randomUUID().slice(0, 8)}`;
  let member: TestUser;
  let viewer: TestUser;
  let projectId: string;
  let foreignRun: string;

  const newRun = async () => {
    const resolved = resolveRunConfig({ model: "rnn", dataset: "adding", training: { steps: 1 }, queue });
    return (await app.services.runService.launch({ ...resolved, projectId, createdById: member.userId })).run.id;
  };
  const save = (runId: string, kind: string, name: string, content: Uint8Array, step: number) =>
    app.services.artifacts.saveArtifact({ runId, kind, name, content, step });

  beforeAll(async () => {
    app = await createTestApp();
    member = await createUser(app);
    viewer = await createUser(app);
    const lab = await createTeam(app, "lab", [
      [member, "member"],
      [viewer, "viewer"],
    ]);
    projectId = lab.projectId;
    const stranger = await createUser(app);
    const elsewhere = await createTeam(app, "elsewhere", [[stranger, "owner"]]);
    const resolved = resolveRunConfig({ model: "rnn", dataset: "adding", training: { steps: 1 }, queue });
    foreignRun = (
      await app.services.runService.launch({
        ...resolved,
        projectId: elsewhere.projectId,
        createdById: stranger.userId,
      })
    ).run.id;
  });
  afterAll(async () => {
    await new TrainingQueue({ connection: app.services.redis, queue, prefix: app.prefix }).queue.obliterate({
      force: true,
    });
    await app.close();
  });

  const predictions = async (id: string, query = "") => {
    const res = await getRunPredictions.invoke(
      app.services,
      authedRequest("GET", `/api/runs/${id}/predictions${query}`, { cookie: viewer.cookie }),
      { id },
    );
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it("lists the logged steps and answers the snapshot nearest the step asked for, the latest by default", async () => {
    const id = await newRun();
    expect(await predictions(id)).toEqual({ status: 200, body: { steps: [], inputs: [], snapshot: null } });
    for (const step of [25, 50, 75]) {
      await save(id, "predictions", `step-${String(step).padStart(7, "0")}`, utf8(snapshotAt(step)), step);
    }
    await save(id, "prediction-inputs", "validation", utf8(inputs), 25);
    const latest = await predictions(id);
    expect(latest.body).toEqual({ steps: [25, 50, 75], inputs: inputs.samples, snapshot: snapshotAt(75) });
    expect((await predictions(id, "?step=40")).body.snapshot).toEqual(snapshotAt(50));
    expect((await predictions(id, "?step=0")).body.snapshot).toEqual(snapshotAt(25));
    // A snapshot that is not the contract's shape is left out, never a 500.
    await save(id, "predictions", "step-0000100", utf8({ step: "soon" }), 100);
    expect(await predictions(id)).toMatchObject({ status: 200, body: { steps: [25, 50, 75, 100], snapshot: null } });
    const bad = await predictions(id, "?step=-3");
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/step/);
  });

  it("resumes a cancelled run with a checkpoint, and refuses one without, changing nothing", async () => {
    const resume = async (id: string, user: TestUser) => {
      const res = await resumeRun.invoke(
        app.services,
        authedRequest("POST", `/api/runs/${id}/resume`, { cookie: user.cookie }),
        { id },
      );
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const id = await newRun();
    const statusOf = async () => (await app.db.prisma.run.findUniqueOrThrow({ where: { id } })).status;
    // Queued: not resumable.
    expect((await resume(id, member)).status).toBe(409);
    expect(await statusOf()).toBe("QUEUED");
    await app.services.runService.cancel(id);
    // Cancelled but no checkpoint: still not.
    const refused = await resume(id, member);
    expect(refused).toMatchObject({ status: 409, body: { error: expect.stringMatching(/with a checkpoint/) } });
    expect(await statusOf()).toBe("CANCELLED");
    await save(id, "checkpoint", "step-00000001", new Uint8Array([1]), 1);
    // A viewer may not; the member who launched it may.
    expect((await resume(id, viewer)).status).toBe(403);
    expect(await statusOf()).toBe("CANCELLED");
    expect(await resume(id, member)).toEqual({ status: 202, body: { outcome: "queued" } });
    expect(await statusOf()).toBe("QUEUED");
    const job = await new TrainingQueue({ connection: app.services.redis, queue, prefix: app.prefix }).queue.getJob(id);
    expect(await job?.getState()).toMatch(/waiting|prioritized/);
  });

  it("links a clone to its parent, and refuses a parent the caller may not read, creating nothing", async () => {
    const parent = await newRun();
    const launch = async (parentRunId: string) => {
      const res = await launchRun.invoke(
        app.services,
        authedRequest(
          "POST",
          "/api/runs",
          { cookie: member.cookie },
          {
            team: "lab",
            model: "rnn",
            dataset: "adding",
            training: { steps: 1 },
            queue,
            parentRunId,
          },
        ),
        {},
      );
      return { status: res.status, body: (await res.json()) as { run?: { id: string }; issues?: unknown[] } };
    };
    const clone = await launch(parent);
    expect(clone.status).toBe(201);
    expect((await app.services.runs.getRunDetail(clone.body.run!.id))?.parent).toMatchObject({ id: parent });
    const before = await app.db.prisma.run.count();
    const refused = await launch(foreignRun);
    expect(refused).toMatchObject({ status: 400, body: { issues: [{ path: "parentRunId" }] } });
    expect((await launch("not an id!")).status).toBe(400);
    expect(await app.db.prisma.run.count()).toBe(before);
  });
});
