/**
 * Issue 14 figure: queue throughput on a 3-master Redis Cluster against a single Redis. Jobs per second of enqueue +
 * process through TrainingQueue and createTrainingWorker (the worker's real settings, a handler that does nothing),
 * both servers started by this script on loopback (fresh, persistence off; not the shared 6379 one), measured
 * interleaved (the order alternates each repetition) so drift on a shared machine hits both alike.
 * Needs redis-server and redis-cli 7+ on PATH. Run: npx tsx bench/queue-cluster.ts [repetitions=5] [jobs=2000]
 */
import { randomUUID } from "node:crypto";
import { createRedisClient, createTrainingWorker, TrainingQueue } from "@seqlab/queue";
import {
  redisBinariesAvailable,
  startTestRedisServers,
  trainJobPayload,
  type TestRedisServers,
} from "@seqlab/queue/testing";

const REPETITIONS = Number(process.argv[2] ?? 5);
const JOBS = Number(process.argv[3] ?? 2000);
/** Jobs added at once: a web app's concurrent requests, without one round trip per job gating the producer. */
const ENQUEUE_BATCH = 50;
/** Jobs a worker runs at once; the handler is empty, so this measures Redis round trips, not training. */
const CONCURRENCY = 8;

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

/** Enqueues JOBS jobs and waits until a worker has run them all; jobs per second over the whole. */
async function throughput(url: string): Promise<number> {
  const producer = createRedisClient(url);
  const workerConnection = createRedisClient(url);
  const prefix = `bench-${randomUUID()}`;
  const queue = new TrainingQueue({ connection: producer, queue: "default", prefix });
  await queue.queue.waitUntilReady();
  let done = 0;
  let resolveAll = () => {};
  const all = new Promise<void>((resolve) => (resolveAll = resolve));
  const worker = createTrainingWorker({
    connection: workerConnection,
    queue: "default",
    prefix,
    concurrency: CONCURRENCY,
    handler: async () => {
      if (++done === JOBS) resolveAll();
    },
  });
  worker.on("error", (e) => console.error(`[bench] worker: ${e.message}`));
  queue.queue.on("error", (e) => console.error(`[bench] queue: ${e.message}`));
  await worker.waitUntilReady();
  const start = performance.now();
  for (let i = 0; i < JOBS; i += ENQUEUE_BATCH) {
    const batch = Array.from({ length: Math.min(ENQUEUE_BATCH, JOBS - i) }, (_, j) => `run-${i + j}`);
    await Promise.all(batch.map((id) => queue.enqueue("run.train", trainJobPayload(id), { jobId: id })));
  }
  await all;
  const seconds = (performance.now() - start) / 1000;
  await worker.close();
  await queue.queue.obliterate({ force: true });
  await queue.close();
  producer.disconnect();
  workerConnection.disconnect();
  return JOBS / seconds;
}

async function main(): Promise<void> {
  if (!redisBinariesAvailable()) throw new Error("redis-server and redis-cli must be on PATH");
  let single: TestRedisServers | undefined;
  let cluster: TestRedisServers | undefined;
  try {
    single = await startTestRedisServers({ cluster: false });
    cluster = await startTestRedisServers({ cluster: true, masters: 3 });
    // One unrecorded round each: script loading, connection set-up and the JIT warm up outside the figures.
    await throughput(single.url);
    await throughput(cluster.url);
    const rows: { single: number; cluster: number }[] = [];
    for (let r = 0; r < REPETITIONS; r++) {
      const first = r % 2 === 0 ? "single" : "cluster";
      const a = await throughput(first === "single" ? single.url : cluster.url);
      const b = await throughput(first === "single" ? cluster.url : single.url);
      const row = first === "single" ? { single: a, cluster: b } : { single: b, cluster: a };
      rows.push(row);
      console.log(
        `rep ${r + 1} (${first} first): single ${row.single.toFixed(0)} jobs/s, cluster ${row.cluster.toFixed(0)} jobs/s, ` +
          `ratio ${(row.cluster / row.single).toFixed(3)}`,
      );
    }
    const ratios = rows.map((x) => x.cluster / x.single);
    console.log(
      `\n${JOBS} jobs x ${REPETITIONS} reps, enqueue batches of ${ENQUEUE_BATCH}, worker concurrency ${CONCURRENCY}:` +
        `\n| target | median jobs/s | min | max |\n| --- | ---: | ---: | ---: |` +
        `\n| single Redis | ${median(rows.map((x) => x.single)).toFixed(0)} | ${Math.min(...rows.map((x) => x.single)).toFixed(0)} | ${Math.max(...rows.map((x) => x.single)).toFixed(0)} |` +
        `\n| 3-master cluster | ${median(rows.map((x) => x.cluster)).toFixed(0)} | ${Math.min(...rows.map((x) => x.cluster)).toFixed(0)} | ${Math.max(...rows.map((x) => x.cluster)).toFixed(0)} |` +
        `\ncluster / single: median ${median(ratios).toFixed(3)} (range ${Math.min(...ratios).toFixed(3)}-${Math.max(...ratios).toFixed(3)})`,
    );
  } finally {
    await cluster?.stop();
    await single?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
