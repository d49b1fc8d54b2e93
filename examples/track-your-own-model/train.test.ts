import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { main } from "./train";

/** What the fake seqlab received: every point as sent (duplicates included), finishes, artifacts. */
interface Received {
  created: Record<string, unknown>[];
  points: { key: string; step: number; value: number }[];
  finishes: unknown[];
  artifacts: { query: Record<string, string>; body: Buffer }[];
  heartbeats: number;
}

/** The five routes the SDK calls, on loopback, answering as docs/api-v1.md says. */
async function fakeSeqlab(apiKey: string): Promise<{ url: string; server: Server; received: Received }> {
  const received: Received = { created: [], points: [], finishes: [], artifacts: [], heartbeats: 0 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://fake");
      const body = Buffer.concat(chunks);
      const answer = (status: number, json: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(json));
      };
      if (req.headers.authorization !== `Bearer ${apiKey}`) return answer(401, { error: "bad key" });
      const route = /^\/api\/v1\/(external-runs|runs\/run1\/(points|heartbeat|finish|artifacts))$/.exec(url.pathname);
      switch (route?.[2] ?? route?.[1]) {
        case "external-runs": {
          received.created.push(JSON.parse(body.toString()) as Record<string, unknown>);
          const run = {
            id: "run1",
            name: "r",
            project: "default",
            team: "t",
            createdBy: null,
            status: "RUNNING",
            modelName: "m",
            datasetName: "d",
            lastStep: null,
            finalLoss: null,
            attempt: 1,
            createdAt: new Date().toISOString(),
            startedAt: null,
            finishedAt: null,
            tags: [],
            external: true,
          };
          return answer(201, { run, url: "/runs/run1" });
        }
        case "points": {
          const batch = JSON.parse(body.toString()) as { batchId: string; points: Received["points"] };
          received.points.push(...batch.points);
          return answer(200, { batchId: batch.batchId, received: batch.points.length, inserted: batch.points.length });
        }
        case "heartbeat":
          received.heartbeats += 1;
          return answer(200, { status: "RUNNING" });
        case "finish":
          received.finishes.push(JSON.parse(body.toString()));
          return answer(200, { run: {} });
        case "artifacts": {
          const query = Object.fromEntries(url.searchParams);
          received.artifacts.push({ query, body });
          const artifact = { id: "a1", kind: query.kind, name: query.name, size: body.length, sha256: "0".repeat(64) };
          return answer(201, { artifact });
        }
        default:
          return answer(404, { error: "no such route" });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, received };
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

describe("the track-your-own-model example", () => {
  const saved = { ...process.env };
  let dir: string;
  afterEach(() => {
    process.env = { ...saved };
    rmSync(dir, { recursive: true, force: true });
  });

  it("trains, logs every step once, uploads the weights and finishes the run as succeeded", async () => {
    const { url, server, received } = await fakeSeqlab("sk_example");
    dir = mkdtempSync(path.join(os.tmpdir(), "seqlab-example-"));
    // The SDK's way: the environment (no credentials file: SEQLAB_CONFIG_DIR points at an empty directory).
    process.env.SEQLAB_URL = url;
    process.env.SEQLAB_API_KEY = "sk_example";
    process.env.SEQLAB_CONFIG_DIR = path.join(dir, "config");
    process.env.SEQLAB_SPOOL_DIR = path.join(dir, "spool");
    const lines: string[] = [];
    try {
      const steps = 60;
      const result = await main(["--steps", String(steps), "--project", "default", "--seed=7"], (l) => lines.push(l));

      expect(lines[0]).toBe(`seqlab: tracking ${url}/runs/run1`);
      expect(received.created).toEqual([
        expect.objectContaining({ project: "default", totalSteps: steps, model: "hand-written GRU" }),
      ]);
      const train = received.points.filter((p) => p.key === "train/loss");
      expect(train.map((p) => p.step).sort((a, b) => a - b)).toEqual(Array.from({ length: steps }, (_, i) => i));
      const byStep = train.sort((a, b) => a.step - b.step).map((p) => p.value);
      expect(byStep).toEqual(result.trainLoss);
      // It learns: the last ten steps' loss is well under the first ten's (measured with seed 7: about a third).
      expect(mean(byStep.slice(-10))).toBeLessThan(0.6 * mean(byStep.slice(0, 10)));
      const val = received.points.filter((p) => p.key === "val/loss");
      expect(val.map((p) => p.step)).toEqual([0, 50, 59]);
      expect(val[2]!.value).toBeLessThan(val[0]!.value);

      expect(received.artifacts).toHaveLength(1);
      expect(received.artifacts[0]!.query).toEqual({ kind: "model", name: "weights.json", step: "59" });
      const weights = JSON.parse(received.artifacts[0]!.body.toString()) as Record<string, { shape: number[] }>;
      expect(weights.Wz!.shape).toEqual([1, 16]);
      expect(weights.Un!.shape).toEqual([16, 16]);

      expect(received.finishes).toEqual([{ outcome: "succeeded" }]);
      expect(result.report).toMatchObject({ sent: steps + 3, spooled: 0, refused: 0, finished: true });
      expect(lines.at(-1)).toBe("seqlab: finished=true sent=63 spooled=0 refused=0");
    } finally {
      server.closeAllConnections();
      server.close();
    }
  }, 120_000);

  it("refuses an unknown flag or a bad step count before starting a run", async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "seqlab-example-"));
    await expect(main(["--epochs", "3"], () => undefined)).rejects.toThrow(/--epochs: /);
    await expect(main(["--steps", "zero"], () => undefined)).rejects.toThrow(/--steps: /);
  });
});
