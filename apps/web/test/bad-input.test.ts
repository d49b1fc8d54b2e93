import { RunRepository } from "@seqlab/db";
import { TrainingSettings } from "@seqlab/contracts";
import { createServices } from "../src/server/services";
import { getRun, getRunMetrics, streamRun } from "../src/server/handlers/run";
import { downloadArtifact } from "../src/server/handlers/artifacts";
import { launchRun } from "../src/server/handlers/runs";
import {
  authedRequest,
  createTeam,
  createTestApp,
  createUser,
  TEST_BASE_URL,
  type TestApp,
  type TestAuth,
} from "./harness";

jest.setTimeout(120_000);

describe("bad input gets a clear 4xx and changes nothing (real PostgreSQL and Redis)", () => {
  let app: TestApp;
  let auth: TestAuth;
  beforeAll(async () => {
    app = await createTestApp();
    const member = await createUser(app);
    await createTeam(app, "lab", [[member, "member"]]);
    auth = { cookie: member.cookie };
  });
  afterAll(() => app.close());

  const launch = async (body: unknown) => {
    const before = await app.db.prisma.run.count();
    const response = await launchRun.invoke(app.services, authedRequest("POST", "/api/runs", auth, body));
    const json = (await response.json()) as { error?: string; issues?: { path: string; message: string }[] };
    expect(await app.db.prisma.run.count()).toBe(before);
    return { status: response.status, ...json };
  };

  it("refuses NUL characters anywhere in the body, naming where (PostgreSQL cannot store them)", async () => {
    expect(await launch({ model: "rnn", dataset: "adding", name: "a\u0000b" })).toMatchObject({
      status: 400,
      issues: [{ path: "name", message: "must not contain NUL characters" }],
    });
    expect(await launch({ model: "rnn", dataset: "adding", project: "p\u0000" })).toMatchObject({
      status: 400,
      issues: [{ path: "project" }],
    });
    expect(await launch({ model: "rnn", dataset: "adding", datasetParams: { variant: "x\u0000" } })).toMatchObject({
      status: 400,
      issues: [{ path: "datasetParams.variant" }],
    });
  });

  it("names every unknown field instead of dropping it", async () => {
    const result = await launch({
      model: "rnn",
      dataset: "adding",
      status: "SUCCEEDED",
      id: "x",
      maxAttempts: 99,
      training: { steps: 10, stpes: 5 },
      datasetParams: { lenght: 20 },
      modelHyperparameters: { unitz: 3 },
    });
    expect(result.status).toBe(400);
    expect(result.issues!.map((i) => i.path).sort()).toEqual(["id", "maxAttempts", "status", "training.stpes"]);
    expect(result.issues!.every((i) => i.message === "unknown field")).toBe(true);
    // Catalog params are checked once the request's own shape is right.
    const nested = await launch({
      model: "rnn",
      dataset: "adding",
      datasetParams: { lenght: 20 },
      modelHyperparameters: { unitz: 3 },
    });
    expect(nested.issues!.map((i) => i.path).sort()).toEqual(["datasetParams.lenght", "modelHyperparameters.unitz"]);
  });

  it("requires project names to be slugs, with a message that says what a slug is", async () => {
    const result = await launch({ model: "rnn", dataset: "adding", project: "My Project!" });
    expect(result).toMatchObject({
      status: 400,
      issues: [{ path: "project", message: expect.stringMatching(/^must be a slug/) }],
    });
  });

  it("answers 404 (not 500) for ids that cannot exist and for runs that do not", async () => {
    for (const id of ["nope", "UPPER", "a b", "x".repeat(200), "%ff", "..", "a\u0000"]) {
      for (const handler of [getRun, getRunMetrics, streamRun]) {
        const response = await handler.invoke(app.services, authedRequest("GET", `/api/runs/x`, auth), { id });
        expect(response.status).toBe(404);
        expect(((await response.json()) as { error: string }).error).toMatch(/^run .* not found$/);
      }
      const artifact = await downloadArtifact.invoke(app.services, authedRequest("GET", "/api/artifacts/x", auth), {
        id,
      });
      expect(artifact.status).toBe(404);
    }
  });
});

describe("200 SSE connections opened at once on a web process that has just started", () => {
  it("gives every one of them its snapshot (the subscriber is ready before its first SUBSCRIBE)", async () => {
    const app = await createTestApp();
    try {
      const viewer = await createUser(app);
      const team = await createTeam(app, "watchers", [[viewer, "viewer"]]);
      const project = { id: team.projectId };
      const run = await new RunRepository(app.db.prisma).createRun({
        projectId: project.id,
        name: "watched",
        config: {
          model: "rnn",
          modelHyperparameters: {},
          dataset: "adding",
          datasetParams: {},
          training: TrainingSettings.parse({}),
          seed: 1,
        },
        priority: 0,
        queueName: "default",
      });
      // A fresh process: new services, so the hub's subscriber connection does not exist yet.
      const fresh = createServices({ ...app.config, databasePoolSize: 10, limits: { streamsPerUser: 1000 } });
      const controllers = Array.from({ length: 200 }, () => new AbortController());
      try {
        const firstEvents = await Promise.all(
          controllers.map(async (controller, i) => {
            // Spread over the subscriber's connect: real requests arrive over time, not in one tick. Those that
            // arrive between its TCP connect and its ready check are the ones the bug broke.
            await new Promise((r) => setTimeout(r, i % 40));
            const response = await streamRun.invoke(
              fresh,
              new Request(`${TEST_BASE_URL}/api/runs/${run.id}/stream`, {
                signal: controller.signal,
                headers: { cookie: viewer.cookie },
              }),
              { id: run.id },
            );
            const reader = response.body!.getReader();
            let text = "";
            while (!text.includes("data: ")) {
              const { value, done } = await reader.read();
              if (done) break;
              text += new TextDecoder().decode(value);
            }
            const line = text.split("\n").find((l) => l.startsWith("data: "));
            await reader.cancel();
            return line ? (JSON.parse(line.slice(6)) as { type: string; status?: string }) : null;
          }),
        );
        expect(firstEvents.filter((e) => e?.type === "status" && e.status === "QUEUED")).toHaveLength(200);
      } finally {
        controllers.forEach((c) => c.abort());
        await fresh.close();
      }
    } finally {
      await app.close();
    }
  });
});
