import { randomUUID } from "node:crypto";
import { TrainingQueue } from "@seqlab/queue";
import { launchRun } from "../src/server/handlers/runs";
import { cancelRun, getRun, patchRun } from "../src/server/handlers/run";
import { getQueue } from "../src/server/handlers/platform";
import { authedRequest, createTeam, createTestApp, createUser, type TestApp, type TestAuth } from "./harness";

jest.setTimeout(60_000);

describe("queue positions, priorities and cancel through the HTTP API (no worker serving the queue)", () => {
  let app: TestApp;
  const queue = `q-${randomUUID().slice(0, 8)}`;

  let auth: TestAuth;
  beforeAll(async () => {
    app = await createTestApp();
    const member = await createUser(app);
    await createTeam(app, "lab", [[member, "member"]]);
    auth = { cookie: member.cookie };
  });
  afterAll(async () => {
    await new TrainingQueue({ connection: app.services.redis, queue, prefix: app.prefix }).queue.obliterate({
      force: true,
    });
    await app.close();
  });

  const launch = async (name: string, priority: number) => {
    const res = await launchRun.invoke(
      app.services,
      authedRequest("POST", "/api/runs", auth, { name, model: "rnn", dataset: "adding", priority, queue }),
    );
    expect(res.status).toBe(201);
    const body = (await res.json()) as { run: { id: string }; warnings: string[] };
    // Nobody serves this queue: accepted, with a warning that says so.
    expect(body.warnings).toEqual([expect.stringContaining(`no live worker serves queue "${queue}"`)]);
    return body.run.id;
  };
  const detail = async (id: string) =>
    (
      (await (await getRun.invoke(app.services, authedRequest("GET", `/api/runs/${id}`, auth), { id })).json()) as {
        run: { queuePosition: number | null; queueWarning: string | null };
      }
    ).run;
  const order = async () =>
    (
      (await (
        await getQueue.invoke(app.services, authedRequest("GET", `/api/queues/${queue}`, auth), { queue })
      ).json()) as {
        waiting: { runId: string }[];
      }
    ).waiting.map((w) => w.runId);

  it("orders waiting runs by priority, lets a waiting run's priority change, and cancels a waiting run", async () => {
    const low = await launch("low", -10);
    const mid = await launch("mid", 0);
    const high = await launch("high", 10);
    expect(await order()).toEqual([high, mid, low]);
    expect(await detail(low)).toMatchObject({ queuePosition: 3, queueWarning: expect.stringContaining(queue) });

    const patch = (id: string, body: unknown) =>
      patchRun.invoke(app.services, authedRequest("PATCH", `/api/runs/${id}`, auth, body), { id });
    expect((await patch(low, { priority: 50 })).status).toBe(200);
    expect(await order()).toEqual([low, high, mid]);
    expect((await detail(low)).queuePosition).toBe(1);
    const bad = await patch(low, { priority: 500, colour: "red" });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { issues: { path: string }[] }).issues.map((i) => i.path).sort()).toEqual([
      "colour",
      "priority",
    ]);
    expect((await patch("missing", { priority: 1 })).status).toBe(404);

    const cancel = (id: string) =>
      cancelRun.invoke(app.services, authedRequest("POST", `/api/runs/${id}/cancel`, auth), { id });
    expect((await cancel(high)).status).toBe(202);
    expect(await order()).toEqual([low, mid]);
    expect((await patch(high, { priority: 1 })).status).toBe(409);
    expect((await cancel(high)).status).toBe(409);
  });
});
