import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { collectDefaultMetrics, Counter, Gauge, Registry } from "prom-client";

/** What a worker's metrics describe: who it is and how to count what it trains now. */
export interface WorkerMetricsOptions {
  workerId: string;
  /** The backend its training processes use and the device they train on. */
  backend: { backend: string; device: string };
  queues: string[];
  /** Runs this process trains now (read at scrape time). */
  trainingRuns: () => number;
}

/**
 * The worker's Prometheus registry: what it trains now, what it has persisted, and which backend it runs on. The
 * queue depth that autoscaling reads comes from the web app's /metrics, not from here: a worker scaled to zero
 * exports nothing.
 */
export class WorkerMetrics {
  readonly registry = new Registry();
  private readonly points: Counter<"source">;
  private readonly checkpointBytes: Counter;

  constructor(options: WorkerMetricsOptions) {
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: "seqlab_worker_info",
      help: "Always 1; its labels say which worker this is, the backend and device it trains on, and its queues.",
      labelNames: ["worker", "backend", "device", "queues"] as const,
      registers: [this.registry],
    }).set(
      {
        worker: options.workerId,
        backend: options.backend.backend,
        device: options.backend.device,
        queues: options.queues.join(","),
      },
      1,
    );
    new Gauge({
      name: "seqlab_worker_training_runs",
      help: "Runs this worker process is training now.",
      registers: [this.registry],
      collect() {
        this.set(options.trainingRuns());
      },
    });
    // Same name as the web app's counter, told apart by `source`: their sum is the install's ingest rate.
    this.points = new Counter({
      name: "seqlab_metric_points_ingested_total",
      help: 'Metric points stored: source="worker" by this worker\'s runs, "client-api" by web replicas.',
      labelNames: ["source"] as const,
      registers: [this.registry],
    });
    this.points.inc({ source: "worker" }, 0);
    this.checkpointBytes = new Counter({
      name: "seqlab_worker_checkpoint_bytes_written_total",
      help: "Bytes of checkpoints this worker has saved.",
      registers: [this.registry],
    });
  }

  /** Counts points a run's metric writer persisted (its `onPersisted`). */
  pointsPersisted(count: number): void {
    this.points.inc({ source: "worker" }, count);
  }

  /** Counts a saved checkpoint's bytes. */
  checkpointWritten(bytes: number): void {
    this.checkpointBytes.inc(bytes);
  }

  /**
   * Serves `GET /metrics` on `port` (0: any free one) and `host`. No authentication: bind it where only the cluster's
   * Prometheus reaches it (a pod port; a NetworkPolicy if pods may not scrape each other). Resolves once listening.
   */
  async listen(port: number, host: string): Promise<MetricsServer> {
    const server = createServer((request, response) => {
      const path = (request.url ?? "/").split("?")[0];
      if (path !== "/metrics") {
        response.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("not found: try /metrics\n");
        return;
      }
      if (request.method !== "GET" && request.method !== "HEAD") {
        response.writeHead(405, { allow: "GET, HEAD" }).end();
        return;
      }
      this.registry.metrics().then(
        (text) => {
          response.writeHead(200, { "content-type": this.registry.contentType, "cache-control": "no-store" });
          response.end(request.method === "HEAD" ? undefined : text);
        },
        (error: unknown) => {
          response.writeHead(500, { "content-type": "text/plain; charset=utf-8" }).end(`${String(error)}\n`);
        },
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    return new MetricsServer(server);
  }
}

/** A listening metrics server. */
export class MetricsServer {
  constructor(private readonly server: Server) {}

  /** The port it listens on (the one chosen when asked for 0). */
  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Stops listening and ends idle keep-alive connections (a scraper's). */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
    });
  }
}
