import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { MetricPoint } from "@seqlab/contracts";
import { PointSender } from "./point-sender";
import { Spool } from "./spool";
import { TransportError, type PointBatch, type Transport } from "./transport";

/** Polls `condition` every 5 ms until it holds (or 10 s pass), so timing on a loaded machine cannot fail a test. */
async function until(condition: () => boolean): Promise<void> {
  const end = Date.now() + 10_000;
  while (!condition() && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
}

const points = (from: number, n: number): MetricPoint[] =>
  Array.from({ length: n }, (_, i) => ({ key: "train/loss", step: from + i, value: 1 / (from + i + 1), wallTime: 0 }));

/** A server stand-in that stores batches once by id, and can be switched off (rejects) or made to hang. */
class FakeServer implements Transport {
  readonly stored = new Map<string, PointBatch>();
  calls = 0;
  mode: "up" | "down" | "hang" | "refuse" = "up";
  async sendPoints(batch: PointBatch): Promise<void> {
    this.calls += 1;
    if (this.mode === "down") throw new TransportError("connect ECONNREFUSED", true);
    if (this.mode === "refuse") throw new TransportError("400 invalid metric key", false);
    if (this.mode === "hang") return new Promise(() => undefined);
    this.stored.set(batch.batchId, batch);
  }
  steps(): number[] {
    return [...this.stored.values()].flatMap((b) => b.points.map((p) => p.step)).sort((a, b) => a - b);
  }
}

describe("the SDK's point sender", () => {
  let dir: string;
  let spool: Spool;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "seqlab-spool-"));
    spool = new Spool(dir);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("sends full batches at once and a partial one after flushMs", async () => {
    const server = new FakeServer();
    const sender = new PointSender({ runId: "r", transport: server, spool, batchSize: 100, flushMs: 400 });
    sender.record(points(0, 250));
    const recordedAt = Date.now();
    await until(() => server.stored.size === 2);
    // Two full batches went out without waiting for the timer; the 50 left wait for it.
    expect([...server.stored.values()].map((b) => b.points.length)).toEqual([100, 100]);
    await until(() => server.stored.size === 3);
    expect(Date.now() - recordedAt).toBeGreaterThanOrEqual(390);
    expect(server.steps()).toEqual(Array.from({ length: 250 }, (_, i) => i));
    expect(await sender.finish(1000)).toEqual({ sent: 250, spooled: 0, refused: 0 });
  });

  it("retries with backoff, spools what still fails, and a later drain delivers each point once", async () => {
    const server = new FakeServer();
    server.mode = "down";
    const problems: string[] = [];
    const sender = new PointSender({
      runId: "r",
      transport: server,
      spool,
      batchSize: 10,
      flushMs: 10,
      attempts: 3,
      backoffMs: 5,
      onProblem: (m) => problems.push(m),
    });
    sender.record(points(0, 25));
    await until(() => server.calls >= 9);
    await new Promise((r) => setTimeout(r, 50));
    expect(server.calls).toBe(9); // 3 batches x 3 tries, then no more
    const report = await sender.finish(1000);
    expect(report).toEqual({ sent: 0, spooled: 25, refused: 0 });
    expect(problems).toEqual([expect.stringMatching(/unreachable .*ECONNREFUSED.*kept on disk/)]);
    // The server is back: the spool drains, in order, and a batch sent twice (a retried drain) is stored once.
    server.mode = "up";
    const spooled = await spool.list();
    await server.sendPoints(spooled[0]!);
    expect(await spool.drain((b) => server.sendPoints(b))).toMatchObject({
      sent: { batches: 3, points: 25 },
      left: { batches: 0, points: 0 },
    });
    expect(server.steps()).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(await spool.list()).toEqual([]);
  });

  it("keeps the batches a failing drain did not send", async () => {
    const server = new FakeServer();
    server.mode = "down";
    const sender = new PointSender({ runId: "r", transport: server, spool, batchSize: 10, attempts: 1 });
    sender.record(points(0, 30));
    await sender.finish(1000);
    let sends = 0;
    const flaky = async (b: PointBatch) => {
      if (++sends === 2) throw new TransportError("reset", true);
      server.stored.set(b.batchId, b);
    };
    expect(await spool.drain(flaky)).toMatchObject({ sent: { batches: 1 }, left: { batches: 2 }, problem: "reset" });
    server.mode = "up";
    expect(await spool.drain((b) => server.sendPoints(b))).toMatchObject({
      sent: { batches: 2 },
      left: { batches: 0 },
      problem: null,
    });
    expect(server.steps()).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });

  it("returns from finish by its deadline while the server hangs, spooling the batch in flight", async () => {
    const server = new FakeServer();
    server.mode = "hang";
    const sender = new PointSender({ runId: "r", transport: server, spool, batchSize: 10 });
    sender.record(points(0, 15));
    const started = performance.now();
    const report = await sender.finish(150);
    const took = performance.now() - started;
    expect(took).toBeLessThan(1000);
    expect(report).toEqual({ sent: 0, spooled: 15, refused: 0 });
    expect((await spool.list()).flatMap((b) => b.points.map((p) => p.step))).toEqual(
      Array.from({ length: 15 }, (_, i) => i),
    );
  });

  it("spools a batch that was in flight at the deadline once, even when its send fails afterwards", async () => {
    let fail: (error: Error) => void = () => undefined;
    const transport: Transport = {
      sendPoints: () => new Promise<void>((_, reject) => (fail = reject)),
    };
    const sender = new PointSender({ runId: "r", transport, spool, batchSize: 5, attempts: 3, backoffMs: 1 });
    sender.record(points(0, 5));
    expect(await sender.finish(50)).toEqual({ sent: 0, spooled: 5, refused: 0 });
    fail(new TransportError("aborted", true));
    await new Promise((r) => setTimeout(r, 50));
    expect((await spool.list()).map((b) => b.points.length)).toEqual([5]);
  });

  it("drops a batch the server refuses instead of retrying it forever, and says so once", async () => {
    const server = new FakeServer();
    server.mode = "refuse";
    const problems: string[] = [];
    const sender = new PointSender({
      runId: "r",
      transport: server,
      spool,
      batchSize: 5,
      onProblem: (m) => problems.push(m),
    });
    sender.record(points(0, 10));
    expect(await sender.finish(1000)).toEqual({ sent: 0, spooled: 0, refused: 10 });
    expect(server.calls).toBe(2);
    expect(problems).toEqual(["seqlab refused a batch of points: 400 invalid metric key"]);
  });

  it("never throws into the caller, whatever the transport does", async () => {
    const transport: Transport = {
      sendPoints: () => {
        throw new Error("synchronous bug in a transport");
      },
    };
    const sender = new PointSender({ runId: "r", transport, spool, batchSize: 1, attempts: 1 });
    expect(() => sender.record(points(0, 3))).not.toThrow();
    await expect(sender.finish(500)).resolves.toMatchObject({ spooled: 3 });
  });
});
