/**
 * What one `log()` costs the training loop: PointSender.record of one point, amortised over 1,000,000 calls with a
 * transport that answers at once (the batches go out in the background, 1000 points each), against the same loop
 * pushing the point into a plain array. 5 repetitions, interleaved; the bar is under 2 µs a call.
 *
 *   npx tsx bench/sdk-log-overhead.ts
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PointSender, Spool } from "@seqlab/sdk";

const CALLS = 1_000_000;
const REPS = 5;

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "seqlab-bench-spool-"));
  const sdk: number[] = [];
  const plain: number[] = [];
  let batches = 0;
  for (let rep = 0; rep < REPS; rep++) {
    const sink: unknown[] = [];
    let t = performance.now();
    for (let i = 0; i < CALLS; i++) sink.push({ key: "train/loss", step: i, value: 1 / (i + 1), wallTime: 0 });
    plain.push(((performance.now() - t) * 1000) / CALLS);
    const sender = new PointSender({
      runId: "bench",
      spool: new Spool(dir),
      transport: {
        sendPoints: async () => {
          batches += 1;
        },
      },
    });
    t = performance.now();
    for (let i = 0; i < CALLS; i++) sender.record([{ key: "train/loss", step: i, value: 1 / (i + 1), wallTime: 0 }]);
    sdk.push(((performance.now() - t) * 1000) / CALLS);
    await sender.finish(10_000);
  }
  rmSync(dir, { recursive: true, force: true });
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
  console.log(
    `## One log() of one point, amortised over ${CALLS.toLocaleString("en")} calls, ${REPS} reps interleaved`,
  );
  console.log("| loop | µs per call (median) | range |");
  console.log("|---|---|---|");
  console.log(
    `| PointSender.record | ${median(sdk).toFixed(3)} | ${Math.min(...sdk).toFixed(3)}-${Math.max(...sdk).toFixed(3)} |`,
  );
  console.log(
    `| baseline: push into an array | ${median(plain).toFixed(3)} | ${Math.min(...plain).toFixed(3)}-${Math.max(...plain).toFixed(3)} |`,
  );
  console.log(`ratio ${(median(sdk) / median(plain)).toFixed(2)}; ${batches} batches sent in the background`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
