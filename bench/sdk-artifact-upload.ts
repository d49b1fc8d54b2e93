/**
 * The SDK's artifact upload of a 200 MB file: RSS of the uploading process at rest and at its peak, streamed from
 * disk (what `run.logArtifact(path)` does: node:http fed by a file stream as the socket drains) against the file
 * read whole first (what it did before), each in a process of its own, interleaved, 3 repetitions. The receiving end is a plain
 * HTTP server that hashes and discards the body and answers like the API, so only the client is measured.
 *
 *   npx tsx bench/sdk-artifact-upload.ts
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ClientApiClient } from "@seqlab/sdk";
import { peakRss, rssMiB } from "./servers";

const SIZE = 200 * 1000 * 1000;
const REPETITIONS = 3;

async function upload(mode: "stream" | "whole", baseUrl: string, file: string): Promise<void> {
  const client = new ClientApiClient({ baseUrl, apiKey: "sk_bench" });
  await new Promise<void>((resolve) => process.stdin.once("data", () => resolve()));
  const content = mode === "stream" ? { file, size: (await stat(file)).size } : new Uint8Array(await readFile(file));
  const t0 = performance.now();
  const artifact = await client.uploadArtifact("run1", { kind: "checkpoint", name: "big" }, content, 600_000);
  process.stdout.write(`${JSON.stringify({ ms: performance.now() - t0, sha256: artifact.sha256 })}\n`);
}

async function main(): Promise<void> {
  if (process.argv[2] === "--upload") {
    await upload(process.argv[3] as "stream" | "whole", process.argv[4]!, process.argv[5]!);
    return;
  }
  const tmp = mkdtempSync(path.join(tmpdir(), "seqlab-sdk-upload-"));
  const file = path.join(tmp, "checkpoint.bin");
  const expected = createHash("sha256");
  await pipeline(
    Readable.from(
      (function* () {
        for (let sent = 0; sent < SIZE; sent += 1 << 20) {
          const chunk = Buffer.alloc(Math.min(1 << 20, SIZE - sent), sent % 251);
          expected.update(chunk);
          yield chunk;
        }
      })(),
    ),
    createWriteStream(file),
  );
  const sha256 = expected.digest("hex");
  const server = createServer((req, res) => {
    const hash = createHash("sha256");
    let size = 0;
    req.on("data", (c: Buffer) => {
      hash.update(c);
      size += c.length;
    });
    req.on("end", () => {
      res.writeHead(201, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          artifact: { id: "a1", kind: "checkpoint", name: "big", size, sha256: hash.digest("hex") },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const results: Record<string, { rest: number; peak: number; mbs: number }[]> = { stream: [], whole: [] };
  try {
    for (let rep = 0; rep < REPETITIONS; rep++) {
      for (const mode of rep % 2 === 0 ? (["stream", "whole"] as const) : (["whole", "stream"] as const)) {
        const child = spawn(process.execPath, ["--import", "tsx", __filename, "--upload", mode, baseUrl, file], {
          stdio: ["pipe", "pipe", "inherit"],
        });
        let output = "";
        child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
        const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
        await new Promise((r) => setTimeout(r, 2500));
        const rest = rssMiB(child.pid!);
        const { result: code, peak } = await peakRss(child.pid!, () => {
          child.stdin!.write("go\n");
          return exited;
        });
        if (code !== 0) throw new Error(`${mode} upload exited with ${code}`);
        const { ms, sha256: got } = JSON.parse(output.trim().split("\n").at(-1)!) as { ms: number; sha256: string };
        if (got !== sha256) throw new Error(`${mode}: the server received other bytes`);
        results[mode]!.push({ rest, peak, mbs: SIZE / 1e6 / (ms / 1000) });
        console.log(`rep ${rep + 1} ${mode}: rest ${rest.toFixed(0)} MiB, peak ${peak.toFixed(0)} MiB`);
      }
    }
  } finally {
    server.close();
    rmSync(tmp, { recursive: true, force: true });
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(`\n## SDK upload of a 200 MB file, median of ${REPETITIONS} interleaved repetitions\n`);
  console.log("| mode | MB/s | RSS at rest → peak (MiB) | growth (MiB) |");
  console.log("| ---- | ---- | ------------------------ | ------------ |");
  for (const [mode, label] of [
    ["stream", "streamed from disk (logArtifact(path) now)"],
    ["whole", "read whole first (before)"],
  ] as const) {
    const r = results[mode]!;
    const growth = median(r.map((x) => x.peak - x.rest));
    console.log(
      `| ${label} | ${median(r.map((x) => x.mbs)).toFixed(0)} | ${median(r.map((x) => x.rest)).toFixed(0)} → ${median(r.map((x) => x.peak)).toFixed(0)} | ${growth.toFixed(0)} |`,
    );
  }
}

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
