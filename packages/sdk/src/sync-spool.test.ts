import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startFakeSeqlab, type FakeSeqlab } from "../test/fake-seqlab-server";
import { ClientApiClient } from "./client-api-client";
import { Spool, type DrainReport } from "./spool";
import { syncSpool } from "./sync-spool";

describe("syncSpool (seqlab sync)", () => {
  let fake: FakeSeqlab;
  let dir: string;
  let runId: string;
  beforeEach(async () => {
    fake = await startFakeSeqlab();
    dir = mkdtempSync(path.join(os.tmpdir(), "seqlab-sync-"));
    const client = new ClientApiClient({ baseUrl: fake.url, apiKey: fake.apiKey });
    runId = (await client.createExternalRun({ project: "default" }, 5000)).run.id;
    const spool = new Spool(dir);
    for (let b = 0; b < 3; b++) {
      const points = Array.from({ length: 4 }, (_, i) => ({
        key: "train/loss",
        step: b * 4 + i,
        value: i,
        wallTime: 1,
      }));
      await spool.add({ batchId: `batch-${runId}-${b}`, runId, points });
    }
  });
  afterEach(async () => {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("sends the spooled batches, telling progress, and empties the spool", async () => {
    const progress: DrainReport[] = [];
    const report = await syncSpool({
      url: fake.url,
      apiKey: fake.apiKey,
      spoolDir: dir,
      onProgress: (p) => progress.push(p),
    });
    expect(report).toEqual({
      sent: { batches: 3, points: 12 },
      left: { batches: 0, points: 0 },
      refused: { batches: 0, points: 0 },
      problem: null,
      total: 3,
    });
    expect(progress.map((p) => p.sent.points)).toEqual([4, 8, 12]);
    expect(fake.series(runId, "train/loss").map((p) => p.step)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(await new Spool(dir).list()).toEqual([]);
    expect(await syncSpool({ url: fake.url, apiKey: fake.apiKey, spoolDir: dir })).toMatchObject({ total: 0 });
  });

  it("keeps everything when the key is refused, saying why", async () => {
    const report = await syncSpool({ url: fake.url, apiKey: "sk_wrong", spoolDir: dir });
    expect(report).toMatchObject({
      sent: { batches: 0 },
      left: { batches: 3, points: 12 },
      problem: "401 the API key is unknown, revoked or expired",
    });
    expect(await new Spool(dir).list()).toHaveLength(3);
    expect(fake.batches.size).toBe(0);
  });
});
