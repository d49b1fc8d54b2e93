import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createTestIo } from "../../test/fake-io";
import { sendJson, startFakeServer, type ReceivedRequest } from "../../test/fake-server";

const YAML = `
name: lr sweep
base:
  model: lstm
  dataset: adding
  datasetParams: { length: 50 }
method: random
parameters:
  training.learningRate: { kind: log-uniform, min: 0.0001, max: 0.1 }
  modelHyperparameters.units: { kind: choice, values: [8, 16, 32] }
scheduler: { kind: asha, eta: 3, minSteps: 20, maxSteps: 540 }
metric: { name: val/loss, goal: minimize }
limits: { maxTrials: 27, maxConcurrent: 2 }
`;

describe("seqlab sweep create / ls", () => {
  let fake: Awaited<ReturnType<typeof startFakeServer>>;
  let dir: string;
  const received: ReceivedRequest[] = [];
  const summary = {
    id: "sw1",
    name: "lr sweep",
    team: "lab",
    project: "default",
    status: "RUNNING",
    method: "random",
    scheduler: "asha",
    metric: { name: "val/loss", goal: "minimize" },
    trialsCreated: 2,
    trialCount: 27,
    stepsSpent: 40,
    best: { runId: "r1", value: 0.1234, trialNumber: 0 },
    createdAt: "2026-12-02T00:00:00.000Z",
    sourceRunId: null,
  };
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "seqlab-sweep-cli-"));
    fake = await startFakeServer([
      {
        method: "POST",
        path: "/api/v1/sweeps",
        handle: (req, res) => {
          received.push(req);
          sendJson(res, 201, { sweep: summary, url: "/t/lab/p/default/sweeps/sw1" });
        },
      },
      { method: "GET", path: "/api/v1/sweeps", handle: (_req, res) => sendJson(res, 200, { sweeps: [summary] }) },
    ]);
  });
  afterAll(async () => {
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  });
  const io = () => createTestIo({ env: { SEQLAB_URL: fake.url, SEQLAB_API_KEY: "k" } });

  it("sends a YAML definition, checked and with its defaults, and prints the sweep's page", async () => {
    const file = path.join(dir, "sweep.yaml");
    await writeFile(file, YAML);
    const t = io();
    expect(await t.run(["sweep", "create", file, "--from", "r0"])).toBe(0);
    expect(t.stdout()).toBe(`started sweep sw1 (lr sweep): ${fake.url}/t/lab/p/default/sweeps/sw1\n`);
    const body = JSON.parse(received[0]!.body) as { definition: Record<string, unknown>; sourceRunId: string };
    expect(body.sourceRunId).toBe("r0");
    expect(body.definition).toMatchObject({
      project: "default",
      scheduler: { kind: "asha", eta: 3, minSteps: 20, maxSteps: 540 },
      limits: { maxTrials: 27, maxConcurrent: 2 },
    });
  });

  it("refuses a bad definition in one line naming the field, before sending anything", async () => {
    const file = path.join(dir, "bad.yaml");
    await writeFile(file, YAML.replace("min: 0.0001, max: 0.1", "min: 0.1, max: 0.0001"));
    const t = io();
    const before = received.length;
    expect(await t.run(["sweep", "create", file])).toBe(2);
    expect(t.stderr()).toMatch(/^seqlab: .*bad\.yaml: parameters\.training\.learningRate\.max: .+\n$/);
    expect(t.stderr().split("\n")).toHaveLength(2);
    expect(received.length).toBe(before);
    expect(await io().run(["sweep", "create", path.join(dir, "missing.yaml")])).toBe(2);
  });

  it("lists sweeps as a table and as JSON", async () => {
    const t = io();
    expect(await t.run(["sweep", "ls"])).toBe(0);
    expect(t.stdout()).toMatch(/sw1\s+lr sweep\s+RUNNING\s+random\/asha\s+2\/27\s+val\/loss 0\.1234\s+40/);
    const json = io();
    expect(await json.run(["sweep", "ls", "--json"])).toBe(0);
    expect(JSON.parse(json.stdout())).toEqual({ sweeps: [summary] });
  });
});
