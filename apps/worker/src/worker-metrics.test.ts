import type { MetricPoint } from "@seqlab/contracts";
import type { MetricRepository } from "@seqlab/db";
import { createRedisConnection } from "@seqlab/queue";
import { MetricWriter } from "./metric-writer";
import { WorkerMetrics, type MetricsServer } from "./worker-metrics";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/** The value of one sample in a Prometheus text exposition (`name{labels} value`), or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("WorkerMetrics", () => {
  const redis = createRedisConnection(REDIS_URL);
  let training = 0;
  const metrics = new WorkerMetrics({
    workerId: "host-1-abc",
    backend: { backend: "wasm", device: "cpu" },
    queues: ["default", "gpu"],
    trainingRuns: () => training,
  });
  let server: MetricsServer;
  const scrape = async () => {
    const response = await fetch(`http://127.0.0.1:${server.port}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    return response.text();
  };

  beforeAll(async () => {
    server = await metrics.listen(0, "127.0.0.1");
  });
  afterAll(async () => {
    await server.close();
    redis.disconnect();
  });

  it("serves the worker's identity, what it trains now, and the process's default metrics", async () => {
    let text = await scrape();
    expect(
      sample(text, 'seqlab_worker_info{worker="host-1-abc",backend="wasm",device="cpu",queues="default,gpu"}'),
    ).toBe(1);
    expect(sample(text, "seqlab_worker_training_runs")).toBe(0);
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
    training = 1;
    text = await scrape();
    expect(sample(text, "seqlab_worker_training_runs")).toBe(1);
  });

  it("counts the points a metric writer persists and the checkpoint bytes saved", async () => {
    const before = await scrape();
    expect(sample(before, 'seqlab_metric_points_ingested_total{source="worker"}')).toBe(0);
    const stored: MetricPoint[] = [];
    const store = {
      async insertPoints(_runId: string, points: readonly MetricPoint[]) {
        stored.push(...points);
        return points.length;
      },
    };
    const writer = new MetricWriter({
      runId: "worker-metrics-test",
      metrics: store as unknown as MetricRepository,
      redis,
      maxBatch: 4,
      flushIntervalMs: 10_000,
      onPersisted: (count) => metrics.pointsPersisted(count),
    });
    writer.record(Array.from({ length: 10 }, (_, step) => ({ key: "loss", step, value: step, wallTime: step })));
    await writer.close();
    expect(stored).toHaveLength(10);
    metrics.checkpointWritten(1234);
    metrics.checkpointWritten(66);
    const after = await scrape();
    expect(sample(after, 'seqlab_metric_points_ingested_total{source="worker"}')).toBe(10);
    expect(sample(after, "seqlab_worker_checkpoint_bytes_written_total")).toBe(1300);
  });

  it("answers 404 off /metrics and 405 for other methods", async () => {
    expect((await fetch(`http://127.0.0.1:${server.port}/`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${server.port}/metrics`, { method: "POST" })).status).toBe(405);
  });
});
