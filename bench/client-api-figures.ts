/**
 * The client API's figures against a real production server (apps/web/server.mjs on its own migrated database),
 * each beside a baseline measured in the same script, repetitions interleaved:
 *
 * 1. Server ingest per web process through POST /api/v1/runs/:id/points: CLIENTS concurrent clients, batches of
 *    1000 points (4 keys x 250 steps), every batch answered only once it is stored; against the same batches
 *    written straight into PostgreSQL by MetricRepository.insertPoints with the same concurrency (what a worker's
 *    writer does, no HTTP, no auth, no JSON).
 * 2. Client throughput of the SDK: `run.log` of CLIENT_POINTS points then `finish()`, from the first call until
 *    everything is stored; against the same points posted by a bare fetch loop, one batch of 1000 at a time.
 * 3. Wall time a real TensorFlow.js training loop (a GRU of 8 units on the adding problem at T=10, batch 16, 1000 steps, CPU backend) gains by
 *    logging its loss to seqlab at every step, against the same loop reading its loss and logging nothing.
 *
 *   npx tsx bench/client-api-figures.ts [ingest] [client] [training]   (all three when none is named)
 *
 * Needs PostgreSQL and Redis (TEST_DATABASE_URL, TEST_REDIS_URL) and a production build of apps/web.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import * as tf from "@tensorflow/tfjs";
import type { MetricPoint } from "@seqlab/contracts";
import { createPrismaClient, MetricRepository } from "@seqlab/db";
import { signIn } from "@seqlab/launcher/signed-in-client";
import { init } from "@seqlab/sdk";
import { databaseFor, startServer } from "./servers";

const REPO = path.resolve(__dirname, "..");
const REPS = 3;
/** Concurrent ingest clients: enough to keep one web process's database pool busy (it has 10 connections). */
const CLIENTS = 8;
/** Batches each client sends per repetition: 8 x 25 x 1000 = 200k points, a few seconds at the target rate. */
const BATCHES_PER_CLIENT = 25;
const CLIENT_POINTS = 50_000;
const TRAIN_STEPS = 1000;
/** 6 pairs of about 13 s each: the loop costs ~13 ms a step on the pure-JS CPU backend. */
const TRAIN_REPS = 6;
const KEYS = ["train/loss", "train/acc", "val/loss", "system/step_ms"];

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
const range = (v: number[], digits = 0) => `${Math.min(...v).toFixed(digits)}-${Math.max(...v).toFixed(digits)}`;

/** BENCH_SERVER_PROFILE=file.cjs preloads that file in the web process (e.g. one that starts the inspector's profiler), to see where ingest goes. */
function serverEnv(): Record<string, string> {
  const dir = process.env.BENCH_SERVER_PROFILE;
  return dir ? { NODE_OPTIONS: `--require ${dir}` } : {};
}

function batchAt(index: number): MetricPoint[] {
  const steps = 1000 / KEYS.length;
  return KEYS.flatMap((key) =>
    Array.from({ length: steps }, (_, i) => {
      const step = index * steps + i;
      return { key, step, value: Math.sin(step / 100), wallTime: Date.UTC(2026, 11, 2) + step };
    }),
  );
}

async function main() {
  const named = process.argv.slice(2);
  const wanted = (part: string) => named.length === 0 || named.includes(part);
  const database = await databaseFor(REPO);
  const server = await startServer("current", REPO, database.url, serverEnv());
  const prisma = createPrismaClient({ databaseUrl: database.url, poolSize: CLIENTS + 2 });
  const spoolDir = mkdtempSync(path.join(os.tmpdir(), "seqlab-bench-spool-"));
  try {
    const admin = await signIn(server.base);
    const created = await admin.fetch("/api/account/api-keys", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "bench" }),
    });
    const { key } = (await created.json()) as { key: string };
    const headers = { authorization: `Bearer ${key}`, "content-type": "application/json" };
    const api = (route: string, body: unknown) =>
      fetch(`${server.base}/api/v1${route}`, { method: "POST", headers, body: JSON.stringify(body) });
    const externalRun = async (name: string) => {
      const response = await api("/external-runs", { project: "default", name });
      if (response.status !== 201) throw new Error(`creating a run: ${response.status} ${await response.text()}`);
      return ((await response.json()) as { run: { id: string } }).run.id;
    };
    const metrics = new MetricRepository(prisma);

    // 1. Server ingest.
    if (wanted("ingest")) {
      const viaApi: number[] = [];
      const direct: number[] = [];
      for (let rep = 0; rep < REPS; rep++) {
        const apiRuns = await Promise.all(Array.from({ length: CLIENTS }, (_, c) => externalRun(`ingest-${rep}-${c}`)));
        let t = performance.now();
        await Promise.all(
          apiRuns.map(async (runId) => {
            for (let b = 0; b < BATCHES_PER_CLIENT; b++) {
              const response = await api(`/runs/${runId}/points`, { batchId: randomUUID(), points: batchAt(b) });
              if (response.status !== 200) throw new Error(`points: ${response.status} ${await response.text()}`);
            }
          }),
        );
        viaApi.push((CLIENTS * BATCHES_PER_CLIENT * 1000) / ((performance.now() - t) / 1000));
        let stored = 0;
        for (const runId of apiRuns) stored += await metrics.countPoints(runId);
        if (stored !== CLIENTS * BATCHES_PER_CLIENT * 1000) throw new Error(`stored ${stored} points`);

        // The baseline's runs are made the same way; only their points skip the API.
        const directRuns = await Promise.all(
          Array.from({ length: CLIENTS }, (_, c) => externalRun(`direct-${rep}-${c}`)),
        );
        t = performance.now();
        await Promise.all(
          directRuns.map(async (runId) => {
            for (let b = 0; b < BATCHES_PER_CLIENT; b++) await metrics.insertPoints(runId, batchAt(b));
          }),
        );
        direct.push((CLIENTS * BATCHES_PER_CLIENT * 1000) / ((performance.now() - t) / 1000));
      }
      console.log(
        `## Ingest per web process: ${CLIENTS} clients x ${BATCHES_PER_CLIENT} batches of 1000 points, ${REPS} reps interleaved`,
      );
      console.log("| path | points/s stored (median) | range |");
      console.log("|---|---|---|");
      console.log(
        `| POST /api/v1/runs/:id/points (one web process) | ${median(viaApi).toFixed(0)} | ${range(viaApi)} |`,
      );
      console.log(
        `| baseline: MetricRepository.insertPoints, no HTTP | ${median(direct).toFixed(0)} | ${range(direct)} |`,
      );
      console.log(
        `ratio ${(median(viaApi) / median(direct)).toFixed(2)} (target: at least 50k points/s through the API)\n`,
      );
    }

    // 2. Client throughput.
    if (wanted("client")) {
      const viaSdk: number[] = [];
      const bare: number[] = [];
      for (let rep = 0; rep < REPS; rep++) {
        let t = performance.now();
        const run = await init({
          project: "default",
          name: `sdk-throughput-${rep}`,
          url: server.base,
          apiKey: key,
          spoolDir,
          env: {},
          onProblem: (m) => console.error(m),
        });
        t = performance.now();
        for (let i = 0; i < CLIENT_POINTS / KEYS.length; i++) {
          run.log({ "train/loss": 1 / (i + 1), "train/acc": i / 1e5, "val/loss": 2 / (i + 1), "system/step_ms": 3 });
        }
        const report = await run.finish({ timeoutMs: 120_000 });
        viaSdk.push(CLIENT_POINTS / ((performance.now() - t) / 1000));
        if (report.sent !== CLIENT_POINTS) throw new Error(`the SDK sent ${report.sent} points`);

        const runId = await externalRun(`bare-throughput-${rep}`);
        t = performance.now();
        for (let b = 0; b < CLIENT_POINTS / 1000; b++) {
          const response = await api(`/runs/${runId}/points`, { batchId: randomUUID(), points: batchAt(b) });
          if (response.status !== 200) throw new Error(`points: ${response.status}`);
        }
        bare.push(CLIENT_POINTS / ((performance.now() - t) / 1000));
      }
      console.log(`## One client: ${CLIENT_POINTS.toLocaleString("en")} points, logged then finished, ${REPS} reps`);
      console.log("| client | points/s until stored (median) | range |");
      console.log("|---|---|---|");
      console.log(`| SDK: run.log + finish() | ${median(viaSdk).toFixed(0)} | ${range(viaSdk)} |`);
      console.log(`| baseline: bare fetch, 1000-point batches in turn | ${median(bare).toFixed(0)} | ${range(bare)} |`);
      console.log(`ratio ${(median(viaSdk) / median(bare)).toFixed(2)}\n`);
    }

    // 3. A real training loop, with and without logging every step.
    if (wanted("training")) {
      await tf.setBackend("cpu");
      const length = 10;
      const model = tf.sequential({
        layers: [tf.layers.gru({ units: 8, inputShape: [length, 2] }), tf.layers.dense({ units: 1 })],
      });
      const optimizer = tf.train.adam(0.01);
      const batch = (step: number) =>
        tf.tidy(() => {
          const values = tf.randomUniform([16, length, 1], 0, 1, "float32", step);
          const marks = tf
            .oneHot(tf.randomUniform([16, 2], 0, length, "int32", step + 1), length)
            .sum(1)
            .minimum(1);
          const x = tf.concat([values, marks.expandDims(2)], 2);
          const y = values.squeeze([2]).mul(marks).sum(1, true);
          return { x, y };
        });
      const trainStep = (step: number): number => {
        const { x, y } = batch(step);
        const loss = optimizer.minimize(() => tf.losses.meanSquaredError(y, model.apply(x) as tf.Tensor), true)!;
        const value = loss.dataSync()[0]!;
        tf.dispose([x, y, loss]);
        return value;
      };
      for (let s = 0; s < 50; s++) trainStep(s); // warm the kernels
      const plainMs: number[] = [];
      const loggedMs: number[] = [];
      // CPU time of this process too: the SDK's sends run on the training thread, but another process's load on
      // this shared 2-core machine does not land in it, as it does in wall time.
      const plainCpu: number[] = [];
      const loggedCpu: number[] = [];
      const cpuMs = () => {
        const u = process.cpuUsage();
        return (u.user + u.system) / 1000;
      };
      for (let rep = 0; rep < TRAIN_REPS; rep++) {
        let t = performance.now();
        let c = cpuMs();
        for (let s = 0; s < TRAIN_STEPS; s++) trainStep(s);
        plainMs.push(performance.now() - t);
        plainCpu.push(cpuMs() - c);

        const run = await init({
          project: "default",
          name: `tfjs-loop-${rep}`,
          url: server.base,
          apiKey: key,
          spoolDir,
          env: {},
          totalSteps: TRAIN_STEPS,
        });
        t = performance.now();
        c = cpuMs();
        for (let s = 0; s < TRAIN_STEPS; s++) run.log({ "train/loss": trainStep(s) });
        loggedMs.push(performance.now() - t);
        loggedCpu.push(cpuMs() - c);
        await run.finish();
      }
      const added = plainMs.map((p, i) => (loggedMs[i]! - p) / p);
      const addedCpu = plainCpu.map((p, i) => (loggedCpu[i]! - p) / p);
      console.log(
        `## A ${TRAIN_STEPS}-step tfjs training loop (GRU 8 units, adding T=${length}, batch 16, CPU backend), ${TRAIN_REPS} reps interleaved`,
      );
      console.log("| loop | ms per 1000 steps (median) | range |");
      console.log("|---|---|---|");
      console.log(`| run.log({ "train/loss" }) every step | ${median(loggedMs).toFixed(0)} | ${range(loggedMs)} |`);
      console.log(`| baseline: the same loop, no logging | ${median(plainMs).toFixed(0)} | ${range(plainMs)} |`);
      console.log(`| CPU time, run.log every step | ${median(loggedCpu).toFixed(0)} | ${range(loggedCpu)} |`);
      console.log(`| CPU time, baseline | ${median(plainCpu).toFixed(0)} | ${range(plainCpu)} |`);
      const pct = (v: number[]) => v.map((a) => `${(a * 100).toFixed(1)}%`).join(", ");
      console.log(
        `wall time added: median ${(median(added) * 100).toFixed(2)}% (pairs: ${pct(added)}); ` +
          `CPU time added: median ${(median(addedCpu) * 100).toFixed(2)}% (pairs: ${pct(addedCpu)}); target under 1%`,
      );
    }
  } finally {
    rmSync(spoolDir, { recursive: true, force: true });
    await prisma.$disconnect();
    await server.stop();
    await database.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
