import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Spool, type DrainReport } from "./spool";
import { TransportError, type PointBatch } from "./transport";

const batch = (runId: string, n: number, from = 0): PointBatch => ({
  batchId: `${runId}-batch-${from}`,
  runId,
  points: Array.from({ length: n }, (_, i) => ({ key: "train/loss", step: from + i, value: i, wallTime: 0 })),
});

describe("the spool", () => {
  let dir: string;
  let spool: Spool;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "seqlab-spool-"));
    spool = new Spool(dir);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("drops batches refused as invalid, skips a run the server does not know, and goes on with the others", async () => {
    await spool.add(batch("a", 2, 0));
    await spool.add(batch("a", 3, 2));
    await spool.add(batch("b", 4, 0));
    await spool.add(batch("b", 1, 4));
    await spool.add(batch("c", 5, 0));
    const sent: string[] = [];
    const progress: DrainReport[] = [];
    const report = await spool.drain(
      async (b) => {
        if (b.batchId === "a-batch-0") throw new TransportError("400 invalid metric key", false, 400);
        if (b.runId === "b") throw new TransportError("404 run not found", false, 404);
        sent.push(b.batchId);
      },
      (p) => progress.push(p),
    );
    expect(sent).toEqual(["a-batch-2", "c-batch-0"]);
    expect(report).toEqual({
      sent: { batches: 2, points: 8 },
      left: { batches: 2, points: 5 },
      refused: { batches: 1, points: 2 },
      problem: "404 run not found",
      total: 5,
    });
    expect(progress.map((p) => p.sent.batches + p.refused.batches)).toEqual([1, 2, 3]);
    expect(progress.every((p) => p.total === 5)).toBe(true);
    expect((await spool.list()).map((b) => b.batchId)).toEqual(["b-batch-0", "b-batch-4"]);
  });

  it("stops at a refused key or an unreachable server and keeps everything not sent", async () => {
    await spool.add(batch("a", 2, 0));
    await spool.add(batch("b", 2, 0));
    for (const failure of [
      new TransportError("401 the API key is unknown", false, 401),
      new TransportError("http://x did not answer (ECONNREFUSED)", true),
    ]) {
      let calls = 0;
      const report = await spool.drain(async () => {
        calls += 1;
        throw failure;
      });
      expect(calls).toBe(1);
      expect(report).toMatchObject({ sent: { batches: 0 }, left: { batches: 2, points: 4 }, problem: failure.message });
      expect((await spool.list()).map((b) => b.batchId).sort()).toEqual(["a-batch-0", "b-batch-0"]);
    }
  });

  it("keeps a batch spooled while a drain of the same run is under way", async () => {
    await spool.add(batch("a", 2, 0));
    const report = await spool.drain(async () => {
      // The run is still training and spools another batch while its file is being drained.
      await spool.add(batch("a", 2, 10));
    });
    expect(report.sent.batches).toBe(1);
    expect((await spool.list()).map((b) => b.batchId)).toEqual(["a-batch-10"]);
  });

  it("takes over a file a dead drain had taken up, and leaves one a live process is draining", async () => {
    await spool.add(batch("dead", 1));
    await spool.add(batch("live", 1));
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    renameSync(path.join(dir, "dead.jsonl"), path.join(dir, `dead.jsonl.${dead}.abc123.draining`));
    renameSync(path.join(dir, "live.jsonl"), path.join(dir, `live.jsonl.${process.pid}.abc123.draining`));
    const sent: string[] = [];
    await spool.drain(async (b) => void sent.push(b.runId));
    expect(sent).toEqual(["dead"]);
    expect(readdirSync(dir)).toEqual([`live.jsonl.${process.pid}.abc123.draining`]);
  });
});
