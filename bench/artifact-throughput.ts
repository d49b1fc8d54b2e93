/**
 * Artifact throughput: a 200 MB checkpoint through both paths bytes take, against each artifact store backend
 * (the filesystem, and the s3rver S3 stand-in on loopback), interleaved, 3 repetitions:
 *   - web: upload through POST /api/v1/runs/:id/artifacts (streamed into the store), download through
 *     GET /api/artifacts/:id (streamed out, verified), timed at the client; the web process's RSS sampled every
 *     20 ms during each transfer;
 *   - worker: the exact calls a worker's supervisor makes (saveAttemptArtifact from a spool file, checkpointToFile
 *     for a resume) in a process of their own, its RSS sampled the same way.
 * RSS is reported as the process's level before the transfer and its peak during it: a process that held the
 * checkpoint whole would grow by 200 MB or more.
 *
 *   npx tsx bench/artifact-throughput.ts            (needs the web build, PostgreSQL and Redis like the tests)
 */
import { spawn } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeWebStream } from "node:stream/web";
import { type ArtifactStoreConfig, createArtifactStore } from "@seqlab/artifact-store";
import { startS3StandIn } from "@seqlab/artifact-store/testing";
import { TrainingSettings } from "@seqlab/contracts";
import { ArtifactRepository, createPrismaClient, ProjectRepository, RunRepository } from "@seqlab/db";
import { createTestDatabase } from "@seqlab/db/testing";
import { signIn } from "@seqlab/launcher/signed-in-client";
import { peakRss, rssMiB, startServer } from "./servers";

const SIZE = 200 * 1000 * 1000;
const REPETITIONS = 3;
const ROOT = path.resolve(__dirname, "..");
const MB = 1e6;

/** The worker side, run as a child process: upload a spool file as a checkpoint, then stream it back to a file. */
async function workerTransfer(args: {
  store: ArtifactStoreConfig;
  databaseUrl: string;
  runId: string;
  file: string;
  out: string;
}): Promise<void> {
  const prisma = createPrismaClient({ databaseUrl: args.databaseUrl, poolSize: 2 });
  const artifacts = new ArtifactRepository(prisma, createArtifactStore(args.store));
  const attempt = (await prisma.run.findUniqueOrThrow({ where: { id: args.runId } })).attempt;
  // Wait for the parent's go, so its RSS baseline is this process at rest with everything loaded.
  await new Promise<void>((resolve) => process.stdin.once("data", () => resolve()));
  const t0 = performance.now();
  const saved = await artifacts.saveAttemptArtifact({
    runId: args.runId,
    kind: "checkpoint",
    name: `bench-${randomUUID().slice(0, 8)}`,
    source: createReadStream(args.file),
    step: 1,
    attempt,
  });
  const t1 = performance.now();
  if (saved.fenced) throw new Error("fenced");
  const read = await artifacts.checkpointToFile(saved.artifact.id, args.out);
  const t2 = performance.now();
  if (!read.ok) throw new Error(read.reason);
  process.stdout.write(`${JSON.stringify({ uploadMs: t1 - t0, downloadMs: t2 - t1 })}\n`);
  await prisma.$disconnect();
}

/** A file of SIZE pseudo-random bytes (incompressible, as weights are), and its sha256. */
async function makeCheckpoint(file: string): Promise<string> {
  const hash = createHash("sha256");
  let state = 0x9e3779b9;
  async function* chunks() {
    const chunk = Buffer.alloc(1 << 20);
    for (let written = 0; written < SIZE; written += chunk.length) {
      for (let i = 0; i < chunk.length; i += 4) {
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        chunk.writeUInt32LE(state >>> 0, i);
      }
      const part = chunk.subarray(0, Math.min(chunk.length, SIZE - written));
      hash.update(part);
      yield Buffer.from(part);
    }
  }
  await pipeline(Readable.from(chunks()), createWriteStream(file));
  return hash.digest("hex");
}

interface Sample {
  upMBs: number;
  downMBs: number;
  restMiB: number;
  peakMiB: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  if (process.argv[2] === "--worker-transfer") {
    await workerTransfer(JSON.parse(process.argv[3]!) as Parameters<typeof workerTransfer>[0]);
    return;
  }
  const tmp = mkdtempSync(path.join(tmpdir(), "seqlab-artifact-bench-"));
  const db = await createTestDatabase();
  const s3 = await startS3StandIn();
  const backends: Record<string, ArtifactStoreConfig> = {
    filesystem: { backend: "fs", root: path.join(tmp, "fs-store") },
    "S3 (s3rver)": {
      backend: "s3",
      bucket: s3.bucket,
      endpoint: s3.endpoint,
      credentials: s3.credentials,
    },
  };
  const envOf = (store: ArtifactStoreConfig): Record<string, string> =>
    store.backend === "fs"
      ? { SEQLAB_ARTIFACT_STORE: "fs", SEQLAB_ARTIFACT_DIR: store.root }
      : {
          SEQLAB_ARTIFACT_STORE: "s3",
          SEQLAB_S3_BUCKET: store.bucket,
          SEQLAB_S3_ENDPOINT: store.endpoint!,
          SEQLAB_S3_ACCESS_KEY_ID: store.credentials!.accessKeyId,
          SEQLAB_S3_SECRET_ACCESS_KEY: store.credentials!.secretAccessKey,
        };
  try {
    const file = path.join(tmp, "checkpoint.bin");
    const sha256 = await makeCheckpoint(file);
    console.log(`checkpoint: ${statSync(file).size / MB} MB, sha256 ${sha256.slice(0, 12)}`);
    const servers = Object.fromEntries(
      await Promise.all(
        Object.entries(backends).map(
          async ([name, store]) => [name, await startServer("current", ROOT, db.url, envOf(store))] as const,
        ),
      ),
    );
    const projectId = (await new ProjectRepository(db.prisma).ensureProject()).id;
    const workerRun = (
      await new RunRepository(db.prisma).createRun({
        projectId,
        name: "bench",
        config: {
          model: "rnn",
          modelHyperparameters: {},
          dataset: "adding",
          datasetParams: {},
          training: TrainingSettings.parse({ steps: 1 }),
          seed: 1,
        },
        priority: 0,
        queueName: "bench",
      })
    ).id;
    const web: Record<string, Sample[]> = {};
    const worker: Record<string, Sample[]> = {};
    for (let rep = 0; rep < REPETITIONS; rep++) {
      for (const [name, store] of Object.entries(backends)) {
        const server = servers[name]!;
        const client = await signIn(server.base);
        const created = await client.fetch("/api/v1/external-runs", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ project: "default", name: `bench ${rep}` }),
        });
        if (created.status !== 201) throw new Error(`external run: ${created.status} ${await created.text()}`);
        const runId = ((await created.json()) as { run: { id: string } }).run.id;
        const pid = server.child.pid!;
        const restMiB = rssMiB(pid);
        const up = await peakRss(pid, async () => {
          const t0 = performance.now();
          const res = await client.fetch(`/api/v1/runs/${runId}/artifacts?kind=checkpoint&name=big&step=1`, {
            method: "POST",
            headers: { "content-type": "application/octet-stream", "content-length": String(SIZE) },
            body: Readable.toWeb(createReadStream(file)) as ReadableStream,
            duplex: "half",
          } as RequestInit);
          if (res.status !== 201) throw new Error(`upload: ${res.status} ${await res.text()}`);
          const body = (await res.json()) as { artifact: { id: string; sha256: string } };
          if (body.artifact.sha256 !== sha256) throw new Error("upload: sha256 differs");
          return { ms: performance.now() - t0, id: body.artifact.id };
        });
        const down = await peakRss(pid, async () => {
          const t0 = performance.now();
          const res = await client.fetch(`/api/artifacts/${up.result.id}`);
          if (!res.ok || !res.body) throw new Error(`download: ${res.status}`);
          const hash = createHash("sha256");
          for await (const chunk of Readable.fromWeb(res.body as NodeWebStream)) hash.update(chunk as Buffer);
          if (hash.digest("hex") !== sha256) throw new Error("download: sha256 differs");
          return performance.now() - t0;
        });
        (web[name] ??= []).push({
          upMBs: SIZE / MB / (up.result.ms / 1000),
          downMBs: SIZE / MB / (down.result / 1000),
          restMiB,
          peakMiB: Math.max(up.peak, down.peak),
        });

        // The worker's side, in a process of its own.
        const out = path.join(tmp, `resumed-${rep}.bin`);
        const child = spawn(
          process.execPath,
          [
            "--import",
            "tsx",
            __filename,
            "--worker-transfer",
            JSON.stringify({ store, databaseUrl: db.url, runId: workerRun, file, out }),
          ],
          { cwd: ROOT, stdio: ["pipe", "pipe", "inherit"] },
        );
        // Settled (modules loaded, connected) before the baseline.
        await new Promise((r) => setTimeout(r, 3000));
        const workerRest = rssMiB(child.pid!);
        let output = "";
        child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
        const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
        const transfer = await peakRss(child.pid!, async () => {
          child.stdin!.write("go\n");
          return exited;
        });
        if (transfer.result !== 0) throw new Error(`worker transfer exited with ${transfer.result}`);
        const times = JSON.parse(output.trim().split("\n").at(-1)!) as { uploadMs: number; downloadMs: number };
        (worker[name] ??= []).push({
          upMBs: SIZE / MB / (times.uploadMs / 1000),
          downMBs: SIZE / MB / (times.downloadMs / 1000),
          restMiB: workerRest,
          peakMiB: transfer.peak,
        });
        rmSync(out, { force: true });
        console.log(
          `rep ${rep + 1} ${name}: web ${JSON.stringify(web[name]!.at(-1))} worker ${JSON.stringify(worker[name]!.at(-1))}`,
        );
      }
    }
    console.log(`\n## 200 MB checkpoint, median of ${REPETITIONS} interleaved repetitions\n`);
    console.log("| path | backend | upload MB/s | download MB/s | RSS at rest → peak (MiB) |");
    console.log("| ---- | ------- | ----------- | ------------- | ------------------------ |");
    for (const [label, table] of [
      ["web API", web],
      ["worker", worker],
    ] as const) {
      for (const [name, samples] of Object.entries(table)) {
        const m = (k: keyof Sample) => median(samples.map((s) => s[k]));
        console.log(
          `| ${label} | ${name} | ${m("upMBs").toFixed(0)} | ${m("downMBs").toFixed(0)} | ${m("restMiB").toFixed(0)} → ${m("peakMiB").toFixed(0)} |`,
        );
      }
    }
    const ratio = (table: Record<string, Sample[]>, k: keyof Sample) =>
      median(table["S3 (s3rver)"]!.map((s) => s[k])) / median(table.filesystem!.map((s) => s[k]));
    console.log(
      `\nS3 stand-in / filesystem: web upload ×${ratio(web, "upMBs").toFixed(2)}, download ×${ratio(web, "downMBs").toFixed(2)}; worker upload ×${ratio(worker, "upMBs").toFixed(2)}, download ×${ratio(worker, "downMBs").toFixed(2)}`,
    );
    await Promise.all(Object.values(servers).map((s) => s.stop()));
  } finally {
    await s3.close();
    await db.drop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
