import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createTestIo } from "../../test/fake-io";
import { sendJson, startFakeServer } from "../../test/fake-server";
import { runDetail } from "../../test/fixtures";

const sha = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");
/** Checkpoint bytes large enough to arrive in several chunks. */
const good = Buffer.alloc(300_000, 7);
const older = Buffer.from("older checkpoint");
const exported = Buffer.from("safetensors bytes");

const artifact = (id: string, step: number, bytes: Buffer) => ({
  id,
  kind: "checkpoint",
  name: `step-${step}`,
  size: bytes.length,
  sha256: sha(bytes),
  step,
  createdAt: `2025-01-01T00:00:0${step / 250}.000Z`,
});

describe("seqlab pull and export", () => {
  let fake: Awaited<ReturnType<typeof startFakeServer>>;
  let dir: string;
  /** What the artifact route sends: the bytes and the header it claims. */
  let body: Buffer;
  let header: string | undefined;
  beforeAll(async () => {
    fake = await startFakeServer([
      {
        method: "GET",
        path: "/api/v1/runs/run1",
        handle: (_req, res) =>
          sendJson(res, 200, {
            run: runDetail({
              artifacts: [
                artifact("a500", 500, good),
                artifact("a250", 250, older),
                { ...artifact("p1", 500, older), kind: "predictions" },
              ],
            }),
          }),
      },
      {
        method: "GET",
        path: /^\/api\/v1\/artifacts\/(\w+)$/,
        handle: (_req, res, match) => {
          const bytes = match![1] === "a250" ? older : body;
          res.writeHead(200, {
            "content-type": "application/octet-stream",
            "content-length": String(bytes.length),
            ...(header === undefined ? {} : { "x-content-sha256": header }),
          });
          res.end(bytes);
        },
      },
      {
        method: "GET",
        path: "/api/v1/artifacts/a500/export",
        handle: (req, res) => {
          expect(req.query.get("format")).toBe("safetensors");
          res.writeHead(200, { "x-content-sha256": header ?? sha(exported) });
          res.end(exported);
        },
      },
      {
        method: "GET",
        path: "/api/v1/runs/run1/metrics",
        handle: (req, res) => {
          res.writeHead(200, { "content-type": "text/csv" });
          res.end(
            `key,step,value,wall_time\ntrain/loss,1,0.5,2025-01-01T00:00:00.000Z\n# ${req.query.get("format")} ${req.query.get("keys")}\n`,
          );
        },
      },
    ]);
  });
  afterAll(() => fake.close());
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "seqlab-pull-"));
    body = good;
    header = sha(good);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));
  const io = () => createTestIo({ env: { SEQLAB_URL: fake.url, SEQLAB_API_KEY: "k" }, cwd: dir });

  it("downloads the newest checkpoint, checks its sha256 and saves it under the default name", async () => {
    const t = io();
    expect(await t.run(["pull", "run1"])).toBe(0);
    expect(await readdir(dir)).toEqual(["run1-step-500.seqlab"]);
    expect((await readFile(path.join(dir, "run1-step-500.seqlab"))).equals(good)).toBe(true);
    expect(t.stdout()).toBe(
      `saved checkpoint step-500 (step 500) to run1-step-500.seqlab: 293.0 KiB, sha256 ${sha(good).slice(0, 12)}… verified\n`,
    );
  });

  it("takes the checkpoint at --step into -o", async () => {
    const t = io();
    header = sha(older);
    expect(await t.run(["pull", "run1", "--step", "250", "-o", "old.ckpt"])).toBe(0);
    expect(await readFile(path.join(dir, "old.ckpt"), "utf8")).toBe("older checkpoint");
  });

  it("refuses a corrupted body and leaves no file", async () => {
    const t = io();
    body = Buffer.from(good).fill(8, 1000, 1001);
    header = sha(good);
    expect(await t.run(["pull", "run1", "-o", "model.seqlab"])).toBe(1);
    expect(t.stderr()).toMatch(
      /^seqlab: checksum mismatch: the downloaded bytes hash to [0-9a-f]{12}…, the x-content-sha256 header says [0-9a-f]{12}…; nothing was saved\n$/,
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it("refuses bytes that match the header but not the run's artifact list", async () => {
    const t = io();
    body = Buffer.from("something else");
    header = sha(body);
    expect(await t.run(["pull", "run1"])).toBe(1);
    expect(t.stderr()).toContain("the run's artifact list says");
    expect(await readdir(dir)).toEqual([]);
  });

  it("refuses a download it cannot verify", async () => {
    const t = io();
    header = undefined;
    expect(await t.run(["pull", "run1"])).toBe(1);
    expect(t.stderr()).toBe(
      "seqlab: the server sent no x-content-sha256 header, so the download cannot be verified; nothing was saved\n",
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it("lists the steps there are when there is no checkpoint at --step", async () => {
    const t = io();
    expect(await t.run(["pull", "run1", "--step", "300"])).toBe(1);
    expect(t.stderr()).toBe("seqlab: run run1 has no checkpoint at step 300: its checkpoints are at steps 250, 500\n");
  });

  it("validates --step", async () => {
    const t = io();
    expect(await t.run(["pull", "run1", "--step", "1.5"])).toBe(2);
    expect(t.stderr()).toBe("seqlab: --step: must be a whole number\n");
  });

  it("exports the checkpoint as safetensors, checked against the header", async () => {
    header = undefined;
    const t = io();
    expect(await t.run(["export", "run1"])).toBe(0);
    expect(await readFile(path.join(dir, "run1-step-500.safetensors"), "utf8")).toBe("safetensors bytes");
    header = "0".repeat(64);
    const bad = io();
    expect(await bad.run(["export", "run1", "-o", "x.safetensors"])).toBe(1);
    expect(bad.stderr()).toMatch(/^seqlab: checksum mismatch/);
    expect(await readdir(dir)).toEqual(["run1-step-500.safetensors"]);
  });

  it("exports the metrics as CSV to stdout or a file", async () => {
    const t = io();
    expect(await t.run(["export", "run1", "--metrics", "csv", "--keys", "train/loss", "-o", "-"])).toBe(0);
    expect(t.stdout()).toBe("key,step,value,wall_time\ntrain/loss,1,0.5,2025-01-01T00:00:00.000Z\n# csv train/loss\n");
    const toFile = io();
    expect(await toFile.run(["export", "run1", "--metrics", "csv"])).toBe(0);
    expect(await readFile(path.join(dir, "run1-metrics.csv"), "utf8")).toContain("train/loss,1,0.5");
  });

  it.each([
    [["export", "run1", "--metrics", "xml"], 'seqlab: --metrics: must be "csv" or "json"\n'],
    [
      ["export", "run1", "--metrics", "csv", "--step", "5"],
      "seqlab: --metrics exports points: it takes no --step or --format (those choose a checkpoint)\n",
    ],
    [["export", "run1", "--format", "onnx"], 'seqlab: --format: must be "safetensors"\n'],
  ])("refuses %j as a usage error", async (argv, message) => {
    const t = io();
    expect(await t.run(argv)).toBe(2);
    expect(t.stderr()).toBe(message);
  });
});
