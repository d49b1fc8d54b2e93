import type http from "node:http";
import { createTestIo } from "../../test/fake-io";
import { sendJson, sseEvent, startFakeServer, startSse } from "../../test/fake-server";
import { runDetail } from "../../test/fixtures";

const T0 = Date.parse("2025-01-01T00:00:00.000Z");
const stored = (id: string, seconds: number, level: string, message: string) => ({
  id,
  level,
  message,
  attempt: 1,
  createdAt: new Date(T0 + seconds * 1000).toISOString(),
});

describe("seqlab logs", () => {
  let fake: Awaited<ReturnType<typeof startFakeServer>>;
  let events: ReturnType<typeof stored>[];
  let status: string;
  let onStream: (connection: number, res: http.ServerResponse) => void;
  let connections = 0;
  beforeAll(async () => {
    fake = await startFakeServer([
      {
        method: "GET",
        path: "/api/v1/runs/run1",
        handle: (_req, res) => sendJson(res, 200, { run: runDetail({ status, events }) }),
      },
      {
        method: "GET",
        path: "/api/v1/runs/run1/stream",
        handle: (_req, res) => {
          connections += 1;
          startSse(res);
          onStream(connections, res);
        },
      },
    ]);
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    connections = 0;
    status = "RUNNING";
    events = [stored("1", 0, "info", "attempt 1 started on cpu"), stored("2", 1, "warn", "loss is high")];
  });
  const io = () => createTestIo({ env: { SEQLAB_URL: fake.url, SEQLAB_API_KEY: "k" } });
  const messages = (text: string) =>
    text
      .trimEnd()
      .split("\n")
      .map((line) => line.replace(/^\S+ \S+ /, ""));

  it("prints the stored log: time, level, message", async () => {
    const t = io();
    expect(await t.run(["logs", "run1"])).toBe(0);
    expect(t.stdout()).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d info  attempt 1 started on cpu\n/);
    expect(messages(t.stdout())).toEqual(["info  attempt 1 started on cpu", "warn  loss is high"]);
  });

  it("follows live lines and status changes to the end, each line once across a reconnect", async () => {
    onStream = (connection, res) => {
      sseEvent(res, { type: "status", runId: "run1", status: "RUNNING" });
      if (connection === 1) {
        // Live copy of a stored line (another clock), then a new one, then the connection drops.
        sseEvent(res, { type: "log", runId: "run1", level: "warn", message: "loss is high", at: T0 + 1_200 });
        sseEvent(res, { type: "log", runId: "run1", level: "info", message: "step 100", at: T0 + 10_000 });
        // Said while no stream was open: only the stored log has it.
        events = [...events, stored("3", 10, "info", "step 100"), stored("4", 20, "info", "checkpoint saved")];
        setTimeout(() => res.destroy(), 20);
        return;
      }
      sseEvent(res, { type: "log", runId: "run1", level: "info", message: "done", at: T0 + 30_000 });
      sseEvent(res, { type: "status", runId: "run1", status: "SUCCEEDED" });
    };
    const t = io();
    expect(await t.run(["logs", "-f", "run1"])).toBe(0);
    expect(connections).toBe(2);
    expect(messages(t.stdout())).toEqual([
      "info  attempt 1 started on cpu",
      "warn  loss is high",
      "info  step 100",
      "info  checkpoint saved",
      "info  done",
      "status SUCCEEDED",
    ]);
  });

  it("exits 1 when the followed run fails, and at once for a finished run", async () => {
    onStream = (_connection, res) => sseEvent(res, { type: "status", runId: "run1", status: "FAILED" });
    const t = io();
    expect(await t.run(["logs", "--follow", "run1"])).toBe(1);
    expect(messages(t.stdout()).at(-1)).toBe("status FAILED");
    status = "SUCCEEDED";
    const finished = io();
    expect(await finished.run(["logs", "-f", "run1"])).toBe(0);
    expect(messages(finished.stdout()).at(-1)).toBe("status SUCCEEDED");
  });

  it("says the run is unknown in one line", async () => {
    const t = io();
    expect(await t.run(["logs", "nope"])).toBe(1);
    expect(t.stderr()).toBe("seqlab: no API route GET /api/v1/runs/nope\n");
  });
});
