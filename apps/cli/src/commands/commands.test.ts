import { mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Spool } from "@seqlab/sdk";
import { createTestIo } from "../../test/fake-io";
import { sendJson, sseEvent, startFakeServer, startSse } from "../../test/fake-server";
import { runDetail } from "../../test/fixtures";

describe("workers, queues, cancel, runs show and sync", () => {
  let fake: Awaited<ReturnType<typeof startFakeServer>>;
  const workers = {
    workers: [
      {
        id: "w-1",
        host: "gpu1",
        backend: "tensorflow",
        device: "cuda:0",
        queues: ["a100", "default"],
        state: "busy",
        currentRunId: "run1",
        lastHeartbeat: "2025-01-01T00:00:00.000Z",
      },
      { name: "worker 2", backend: "cpu", device: "cpu", queues: ["default"], state: "lost", concurrency: 1 },
    ],
  };
  const queues = {
    queues: [
      { name: "default", waiting: 3, running: 1, workers: 2 },
      { name: "a100", waiting: 2, running: 0, workers: 0 },
    ],
  };
  beforeAll(async () => {
    fake = await startFakeServer([
      { method: "GET", path: "/api/v1/workers", handle: (_req, res) => sendJson(res, 200, workers) },
      { method: "GET", path: "/api/v1/queues", handle: (_req, res) => sendJson(res, 200, queues) },
      {
        method: "POST",
        path: "/api/v1/runs/run1/cancel",
        handle: (_req, res) => sendJson(res, 202, { outcome: "requested" }),
      },
      {
        method: "POST",
        path: "/api/v1/runs/run2/cancel",
        handle: (_req, res) => sendJson(res, 409, { error: "run run2 has already finished" }),
      },
      {
        method: "GET",
        path: "/api/v1/runs/run1",
        handle: (_req, res) =>
          sendJson(res, 200, {
            run: runDetail({
              status: "RUNNING",
              lastStep: 40,
              attempts: [
                {
                  attempt: 1,
                  worker: "w-1",
                  backend: "cpu",
                  startedAt: "2025-01-01T00:00:00.000Z",
                  endedAt: null,
                  outcome: null,
                  step: null,
                },
              ],
              artifacts: [
                {
                  id: "a1",
                  kind: "checkpoint",
                  name: "step-25",
                  size: 2048,
                  sha256: "abcdef0123456789".repeat(4),
                  step: 25,
                  createdAt: "2025-01-01T00:00:00.000Z",
                },
              ],
            }),
          }),
      },
      {
        method: "GET",
        path: "/api/v1/runs/run1/stream",
        handle: (_req, res) => {
          startSse(res);
          sseEvent(res, { type: "status", runId: "run1", status: "RUNNING" });
          sseEvent(res, {
            type: "series",
            runId: "run1",
            series: {
              width: 1,
              from: 0,
              to: 40,
              series: [
                {
                  key: "val/loss",
                  buckets: [{ bucket: 40, step: 40, last: 0.25, min: 0.2, max: 1, count: 3, wallTime: 0 }],
                },
              ],
            },
          });
        },
      },
      {
        method: "POST",
        path: /^\/api\/v1\/runs\/(\w+)\/points$/,
        handle: (req, res) => {
          const body = JSON.parse(req.body) as { batchId: string; points: unknown[] };
          sendJson(res, 200, { batchId: body.batchId, received: body.points.length, inserted: body.points.length });
        },
      },
    ]);
  });
  afterAll(() => fake.close());
  const io = (options: Parameters<typeof createTestIo>[0] = {}) =>
    createTestIo({ ...options, env: { SEQLAB_URL: fake.url, SEQLAB_API_KEY: "k", ...options.env } });

  it("lists workers as a table, and as the server's JSON", async () => {
    const t = io({ now: () => Date.parse("2025-01-01T00:00:05.000Z") });
    expect(await t.run(["workers"])).toBe(0);
    const lines = t.stdout().trimEnd().split("\n");
    expect(lines[0]).toMatch(/^WORKER\s+STATE\s+BACKEND\s+DEVICE\s+QUEUES\s+RUN\s+HEARTBEAT$/);
    expect(lines[1]).toMatch(/^w-1\s+busy\s+tensorflow\s+cuda:0\s+a100,default\s+run1\s+5s ago$/);
    expect(lines[2]).toMatch(/^worker 2\s+lost\s+cpu\s+cpu\s+default\s+-\s+-$/);
    const json = io();
    await json.run(["workers", "--json"]);
    expect(JSON.parse(json.stdout())).toEqual(workers);
  });

  it("lists queues as a table, and as the server's JSON", async () => {
    const t = io();
    expect(await t.run(["queues"])).toBe(0);
    expect(t.stdout().trimEnd().split("\n")).toEqual([
      "QUEUE    WAITING  RUNNING  WORKERS",
      "default        3        1        2",
      "a100           2        0        0",
    ]);
    const json = io();
    await json.run(["queues", "--json"]);
    expect(JSON.parse(json.stdout())).toEqual(queues);
  });

  it("cancels a run, and says so in one line when it has finished", async () => {
    const t = io();
    expect(await t.run(["cancel", "run1"])).toBe(0);
    expect(t.stdout()).toMatch(/^cancel requested: run run1 stops at its worker's next check/);
    const finished = io();
    expect(await finished.run(["cancel", "run2"])).toBe(1);
    expect(finished.stderr()).toBe("seqlab: run run2 has already finished\n");
  });

  it("shows a run: status, config, attempts, artifacts and latest metrics", async () => {
    const t = io();
    expect(await t.run(["runs", "show", "run1"])).toBe(0);
    const out = t.stdout();
    expect(out).toMatch(/^run run1 {2}lstm-adding\n/);
    expect(out).toMatch(/^status {3}RUNNING$/m);
    expect(out).toMatch(/^step {5}40 of 100$/m);
    expect(out).toContain('    "learningRate": 0.01,');
    expect(out).toMatch(/^ {2}1\s+w-1\s+cpu\s+2025-01-01T00:00:00.000Z\s+-\s+running\s+-$/m);
    expect(out).toMatch(/^ {2}checkpoint\s+step-25\s+25\s+2\.0 KiB\s+abcdef012345$/m);
    expect(out).toMatch(/^ {2}val\/loss\s+0\.25$/m);
    const json = io();
    await json.run(["runs", "show", "run1", "--json"]);
    expect((JSON.parse(json.stdout()) as { run: { id: string } }).run.id).toBe("run1");
  });

  it("syncs the spool: sent N batches, M left", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "seqlab-sync-"));
    try {
      const spool = new Spool(dir);
      for (const batchId of ["batch-0001", "batch-0002"]) {
        await spool.add({ batchId, runId: "ext1", points: [{ key: "train/loss", step: 1, value: 0.5, wallTime: 0 }] });
      }
      const t = io({ env: { SEQLAB_SPOOL_DIR: dir } });
      expect(await t.run(["sync"])).toBe(0);
      expect(t.stdout()).toBe("sent 2 batches, 0 left\n");
      expect(await readdir(dir)).toEqual([]);
      const again = io({ env: { SEQLAB_SPOOL_DIR: dir } });
      expect(await again.run(["sync", "--json"])).toBe(0);
      expect(JSON.parse(again.stdout())).toMatchObject({ sent: { batches: 0 }, left: { batches: 0 } });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
