import type http from "node:http";
import { createTestIo } from "../../test/fake-io";
import { sendJson, sseEvent, startFakeServer, startSse } from "../../test/fake-server";
import { catalog, runDetail } from "../../test/fixtures";

const START = Date.parse("2025-01-01T00:00:00.000Z");
/** Points every 100 ms of wall time: 10 steps a second. */
const point = (key: string, step: number, value: number) => ({ key, step, value, wallTime: START + step * 100 });
const series = (to: number) => ({
  type: "series",
  runId: "run1",
  series: {
    width: 1,
    from: 0,
    to,
    series:
      to === 0
        ? []
        : [
            {
              key: "train/loss",
              buckets: [{ bucket: to, step: to, last: 1 / to, min: 0, max: 1, count: 1, wallTime: START + to * 100 }],
            },
          ],
  },
});

/** A fake server whose stream plays `script(connection, res)` on each connection. */
async function serverWith(
  script: (connection: number, res: http.ServerResponse) => void,
  final: Record<string, unknown>,
) {
  let connections = 0;
  let detailReads = 0;
  const fake = await startFakeServer([
    { method: "GET", path: "/api/v1/catalog", handle: (_req, res) => sendJson(res, 200, catalog) },
    {
      method: "POST",
      path: "/api/v1/runs",
      handle: (_req, res) => sendJson(res, 201, { run: { ...runDetail(), events: undefined }, warnings: [] }),
    },
    {
      method: "GET",
      path: "/api/v1/runs/run1",
      // The first read is the launch's (queued); the last, after the end, has the final state.
      handle: (_req, res) => sendJson(res, 200, { run: detailReads++ === 0 ? runDetail() : runDetail(final) }),
    },
    {
      method: "GET",
      path: "/api/v1/runs/run1/stream",
      handle: (_req, res) => {
        connections += 1;
        startSse(res);
        script(connections, res);
      },
    },
  ]);
  return { fake, connections: () => connections };
}

describe("seqlab launch --follow", () => {
  it("shows progress as lines without a terminal, reconnects without repeating a line, exits 0 on SUCCEEDED", async () => {
    const { fake, connections } = await serverWith(
      (connection, res) => {
        if (connection === 1) {
          sseEvent(res, { type: "status", runId: "run1", status: "RUNNING", attempt: 1 });
          sseEvent(res, series(0));
          for (const step of [10, 20, 30, 40, 50]) {
            sseEvent(res, { type: "metrics", runId: "run1", points: [point("train/loss", step, 1 / step)] });
          }
          sseEvent(res, { type: "metrics", runId: "run1", points: [point("val/loss", 50, 0.5)] });
          // The server restarts: the connection drops mid-stream.
          setTimeout(() => res.destroy(), 20);
          return;
        }
        sseEvent(res, { type: "status", runId: "run1", status: "RUNNING", attempt: 1 });
        sseEvent(res, series(50));
        for (const step of [60, 70, 80, 90, 100]) {
          sseEvent(res, { type: "metrics", runId: "run1", points: [point("train/loss", step, 1 / step)] });
        }
        sseEvent(res, { type: "status", runId: "run1", status: "SUCCEEDED", attempt: 1 });
      },
      {
        status: "SUCCEEDED",
        lastStep: 100,
        startedAt: "2025-01-01T00:00:00.000Z",
        finishedAt: "2025-01-01T00:00:10.000Z",
      },
    );
    try {
      let clock = START;
      // Each reading of the clock is 1.1 s later: every update is due a line, so the test sees them all.
      const t = createTestIo({ env: { SEQLAB_URL: fake.url, SEQLAB_API_KEY: "k" }, now: () => (clock += 1100) });
      expect(await t.run(["launch", "lstm", "adding", "--follow"])).toBe(0);
      expect(connections()).toBe(2);
      const lines = t.stdout().trimEnd().split("\n");
      expect(lines[0]).toMatch(/^launched run run1/);
      const progress = lines.slice(1, -1);
      expect(progress[0]).toBe("QUEUED step 0/100 (0%) | - steps/s | ETA -");
      expect(progress).toContain("RUNNING step 50/100 (50%) | 10.0 steps/s | ETA 5s | train/loss=0.02 val/loss=0.5");
      expect(progress).toContain("RUNNING step 100/100 (100%) | 10.0 steps/s | ETA 0s | train/loss=0.01 val/loss=0.5");
      expect(new Set(progress).size).toBe(progress.length);
      const steps = progress.map((line) => Number(/step (\d+)/.exec(line)![1]));
      expect(steps).toEqual([...steps].sort((a, b) => a - b));
      expect(lines.at(-1)).toBe("run run1 SUCCEEDED at step 100/100 after 10s (train/loss=0.01 val/loss=0.5)");
      expect(t.stderr()).toMatch(/^seqlab: lost the live stream \(.+\); reconnecting\n$/);
      expect(t.stdout()).not.toContain("\u001b");
    } finally {
      await fake.close();
    }
  });

  it("exits 1 with the reason when the run fails", async () => {
    const { fake } = await serverWith(
      (_connection, res) => {
        sseEvent(res, { type: "status", runId: "run1", status: "RUNNING" });
        sseEvent(res, { type: "metrics", runId: "run1", points: [point("train/loss", 5, 2)] });
        sseEvent(res, { type: "status", runId: "run1", status: "FAILED", errorReason: "out of memory" });
      },
      { status: "FAILED", lastStep: 5, errorReason: "out of memory" },
    );
    try {
      const t = createTestIo({ env: { SEQLAB_URL: fake.url, SEQLAB_API_KEY: "k" } });
      expect(await t.run(["launch", "lstm", "adding", "-f"])).toBe(1);
      expect(t.stdout().trimEnd().split("\n").at(-1)).toBe(
        "run run1 FAILED at step 5/100 (train/loss=2): out of memory",
      );
    } finally {
      await fake.close();
    }
  });

  it("detaches on Ctrl-C without cancelling: exit 130 and how to follow again", async () => {
    const { fake } = await serverWith(
      (_connection, res) => sseEvent(res, { type: "status", runId: "run1", status: "RUNNING" }),
      {},
    );
    try {
      const t = createTestIo({ env: { SEQLAB_URL: fake.url, SEQLAB_API_KEY: "k" } });
      const done = t.run(["launch", "lstm", "adding", "--follow"]);
      while (!t.stdout().includes("RUNNING")) await new Promise((resolve) => setTimeout(resolve, 5));
      t.interrupt();
      expect(await done).toBe(130);
      expect(t.stdout().trimEnd().split("\n").at(-1)).toBe(
        "detached: run run1 keeps training; follow again with `seqlab logs -f run1`",
      );
      expect(fake.requests.some((r) => r.path.endsWith("/cancel"))).toBe(false);
      expect(t.interruptHandlers.size).toBe(0);
    } finally {
      await fake.close();
    }
  });

  it("draws a cli-progress bar on a terminal", async () => {
    const { fake } = await serverWith(
      (_connection, res) => {
        sseEvent(res, { type: "status", runId: "run1", status: "RUNNING" });
        for (const step of [25, 50])
          sseEvent(res, { type: "metrics", runId: "run1", points: [point("train/loss", step, 0.5)] });
        sseEvent(res, { type: "status", runId: "run1", status: "SUCCEEDED" });
      },
      { status: "SUCCEEDED", lastStep: 100 },
    );
    try {
      const t = createTestIo({ env: { SEQLAB_URL: fake.url, SEQLAB_API_KEY: "k" }, tty: true, columns: 120 });
      expect(await t.run(["launch", "lstm", "adding", "--follow"])).toBe(0);
      const out = t.stdout();
      expect(out).toContain("\u2588");
      // The last frame is drawn when the bar stops, with the stored run's final step.
      expect(out).toMatch(/SUCCEEDED \u2588{24} 100\/100 \| 10\.0 steps\/s \| ETA 0s \| train\/loss=0\.5\u001b\[0K/);
      // Redrawn in place: the cursor goes back to the line's start rather than a new line per frame.
      expect(out).toContain("\u001b[1G");
    } finally {
      await fake.close();
    }
  });
});
