import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startFakeSeqlab, type FakeSeqlab } from "../test/fake-seqlab-server";
import { until } from "../test/until";
import { init, type InitOptions } from "./init";
import type { Run } from "./run";
import { Spool } from "./spool";
import { syncSpool } from "./sync-spool";

describe("a run", () => {
  let fake: FakeSeqlab;
  let dir: string;
  let problems: string[];
  let runs: Run[];
  beforeEach(async () => {
    fake = await startFakeSeqlab();
    dir = mkdtempSync(path.join(os.tmpdir(), "seqlab-run-"));
    problems = [];
    runs = [];
  });
  afterEach(async () => {
    await Promise.all(runs.map((r) => r.finish({ timeoutMs: 500 })));
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const start = async (options: Partial<InitOptions> = {}) => {
    const run = await init({
      project: "default",
      url: fake.url,
      apiKey: fake.apiKey,
      spoolDir: path.join(dir, "spool"),
      onProblem: (m) => problems.push(m),
      env: {},
      ...options,
    });
    runs.push(run);
    return run;
  };

  it("numbers steps itself, one more than the largest so far, and sends them in batches of at most 1000", async () => {
    const run = await start();
    for (let i = 0; i < 2500; i++) run.log({ "train/loss": 1 / (i + 1) });
    run.log({ "val/loss": 0.5 }, { step: 3000 });
    run.log({ "val/loss": 0.4 });
    run.log({ "val/loss": 0.3 }, { step: 10 }); // an earlier step is fine, and does not move the counter back
    run.log({ "val/loss": 0.2 });
    const report = await run.finish();
    expect(report).toEqual({ sent: 2504, spooled: 0, refused: 0, finished: true, spoolDir: path.join(dir, "spool") });
    expect(fake.series(run.id, "train/loss").map((p) => p.step)).toEqual(Array.from({ length: 2500 }, (_, i) => i));
    expect(fake.series(run.id, "val/loss").map((p) => [p.step, p.value])).toEqual([
      [10, 0.3],
      [3000, 0.5],
      [3001, 0.4],
      [3002, 0.2],
    ]);
    const sizes = [...fake.batches.values()].map((b) => b.points.length);
    expect(Math.max(...sizes)).toBe(1000);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(2504);
    expect(fake.finishes).toEqual([{ runId: run.id, body: { outcome: "succeeded" } }]);
    expect(problems).toEqual([]);
  });

  it("never throws on junk: skips it, keeps the good values of the same call, and tells each kind once", async () => {
    const run = await start();
    const junk: unknown[] = [
      { "train/loss": "0.5", ok: 1 },
      { "train/loss": NaN, ok: 2 },
      { "train/loss": Infinity, ok: 3 },
      { "train/loss": -Infinity, ok: 4 },
      { ["k".repeat(10_000)]: 1, ok: 5 },
      { "bad key!": 1, "": 2, ok: 6 },
      { "train/loss": NaN, ok: 7 },
      null,
      "loss",
      42,
    ];
    for (const metrics of junk) expect(() => run.log(metrics as Record<string, number>)).not.toThrow();
    expect(() => run.log({ ok: 1 }, { step: -1 })).not.toThrow();
    expect(() => run.log({ ok: 1 }, { step: 1.5 })).not.toThrow();
    expect(() => run.log({ ok: 1 }, "nonsense" as never)).not.toThrow();
    await run.finish();
    expect(() => run.log({ ok: 1 })).not.toThrow();
    // Junk is skipped but the call still counts as a step; the bad steps were skipped whole.
    expect(fake.series(run.id, "ok").map((p) => [p.step, p.value])).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
      [3, 4],
      [4, 5],
      [5, 6],
      [6, 7],
      [10, 1],
    ]);
    expect(fake.series(run.id, "train/loss")).toEqual([]);
    expect(problems).toEqual([
      'seqlab: "train/loss" is a string, not a number; it is skipped',
      'seqlab: "train/loss" is NaN, which JSON cannot carry; non-finite values are skipped',
      expect.stringMatching(/^seqlab: metric key "k{80}\.\.\." is not 1-64 letters/),
      'seqlab: log() takes an object of numbers, like { "train/loss": 0.5 }',
      "seqlab: step must be an integer >= 0, got -1; those metrics were skipped",
      "seqlab: log() after finish() is ignored",
    ]);
  });

  it("sends heartbeats on its interval while the script is quiet, and stops at finish", async () => {
    const run = await start({ heartbeatIntervalMs: 50 });
    await until(() => fake.heartbeats.length >= 3);
    expect(fake.heartbeats.slice(0, 3)).toEqual([run.id, run.id, run.id]);
    await run.finish();
    const after = fake.heartbeats.length;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fake.heartbeats.length).toBe(after);
  });

  it("uploads artifacts from a path and from bytes, and resolves to null (telling why) when it cannot", async () => {
    const run = await start();
    const file = path.join(dir, "weights.json");
    writeFileSync(file, '{"w":[1,2,3]}');
    const bytes = new Uint8Array([0, 1, 2, 255]);
    const [fromPath, fromBytes] = await Promise.all([
      run.logArtifact(file, { kind: "model", name: "weights.json", step: 7 }),
      run.logArtifact(bytes, { kind: "predictions", name: "out.bin" }),
    ]);
    expect(fromPath).toMatchObject({ kind: "model", name: "weights.json", size: 13, sha256: expect.any(String) });
    expect(fromBytes).toMatchObject({ kind: "predictions", name: "out.bin", size: 4 });
    const byName = new Map(fake.artifacts.map((a) => [a.query.name, a]));
    expect(byName.get("weights.json")).toMatchObject({
      query: { kind: "model", name: "weights.json", step: 7 },
      contentType: "application/octet-stream",
    });
    expect(byName.get("weights.json")!.bytes.toString()).toBe('{"w":[1,2,3]}');
    expect([...byName.get("out.bin")!.bytes]).toEqual([0, 1, 2, 255]);
    expect(byName.get("out.bin")!.query.step).toBeUndefined();

    await expect(run.logArtifact(bytes, { kind: "Model!", name: "x" })).resolves.toBeNull();
    await expect(run.logArtifact(path.join(dir, "missing.bin"), { kind: "model", name: "m" })).resolves.toBeNull();
    fake.fail.set("artifacts", { status: 413, error: "too large" });
    await expect(run.logArtifact(bytes, { kind: "model", name: "big" })).resolves.toBeNull();
    // A file is streamed (node:http, not fetch): the server's refusal still reads as its answer.
    await expect(run.logArtifact(file, { kind: "model", name: "big-file" })).resolves.toBeNull();
    expect(fake.artifacts).toHaveLength(2);
    expect(problems).toEqual([
      expect.stringMatching(/^seqlab could not upload artifact "x": kind is 1-32 lower-case/),
      expect.stringMatching(/^seqlab could not upload artifact "m": ENOENT/),
      'seqlab could not upload artifact "big": 413 too large',
      'seqlab could not upload artifact "big-file": 413 too large',
    ]);
  });

  it("returns from finish within its timeout when the server hangs, spooling the points for seqlab sync", async () => {
    const run = await start();
    fake.hang.add("points");
    fake.hang.add("finish");
    for (let i = 0; i < 10; i++) run.log({ "train/loss": i });
    const started = performance.now();
    const report = await run.finish({ timeoutMs: 500 });
    const took = performance.now() - started;
    // Generous: the bound is 500 ms plus writing a spool file.
    expect(took).toBeLessThan(3000);
    expect(report).toEqual({ sent: 0, spooled: 10, refused: 0, finished: false, spoolDir: path.join(dir, "spool") });
    expect(problems).toContain(`10 points kept in ${path.join(dir, "spool")}: run \`seqlab sync\``);
    expect(problems).toContainEqual(expect.stringMatching(/could not mark the run finished/));
    expect(await run.finish()).toBe(report);

    fake.hang.clear();
    const synced = await syncSpool({ url: fake.url, apiKey: fake.apiKey, spoolDir: path.join(dir, "spool") });
    expect(synced).toMatchObject({ sent: { batches: 1, points: 10 }, left: { batches: 0, points: 0 } });
    expect(fake.series(run.id, "train/loss").map((p) => p.step)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(await new Spool(path.join(dir, "spool")).list()).toEqual([]);
  });

  it("tells the server how the script ended, with the error's message", async () => {
    const run = await start();
    await run.finish({ outcome: "failed", error: new Error("out of memory") });
    expect(fake.finishes).toEqual([{ runId: run.id, body: { outcome: "failed", error: "out of memory" } }]);
  });

  it("sends, in the background of the next init, what earlier runs spooled", async () => {
    const first = await start();
    fake.hang.add("points");
    for (let i = 0; i < 5; i++) first.log({ "train/loss": i });
    expect(await first.finish({ timeoutMs: 300 })).toMatchObject({ spooled: 5 });
    fake.hang.clear();
    await start();
    await until(() => fake.series(first.id, "train/loss").length === 5);
    expect(fake.series(first.id, "train/loss").map((p) => p.step)).toEqual([0, 1, 2, 3, 4]);
    await until(() => fake.batches.size === 1);
    expect(await new Spool(path.join(dir, "spool")).list()).toEqual([]);
  });
});
