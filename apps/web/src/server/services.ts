import type { Redis } from "ioredis";
import {
  ArtifactRepository,
  createPrismaClient,
  HealthRepository,
  MetricRepository,
  ProjectRepository,
  RunRepository,
  WorkerRepository,
} from "@seqlab/db";
import { createRedisConnection, TrainingQueue } from "@seqlab/queue";
import { env } from "../env";
import { RunService } from "./run-service";
import { StreamHub } from "./stream-hub";

/** What a web process needs to reach its database and Redis: built from the environment, or by a test. */
export interface WebConfig {
  databaseUrl: string;
  redisUrl: string;
  /** BullMQ key prefix (tests pass a unique one). */
  queuePrefix: string;
  /** Pooled database connections. Default 10: SSE snapshots and page renders run concurrently. */
  databasePoolSize?: number;
}

/** Long-lived connections and services of one web process, shared by every request. */
export interface Services {
  redis: Redis;
  runs: RunRepository;
  metrics: MetricRepository;
  artifacts: ArtifactRepository;
  workers: WorkerRepository;
  projects: ProjectRepository;
  health: HealthRepository;
  runService: RunService;
  hub: StreamHub;
  /** Closes every connection (tests call it in afterAll). */
  close(): Promise<void>;
}

/** Builds the services for a config. Each call opens its own connections. */
export function createServices(config: WebConfig): Services {
  const prisma = createPrismaClient({ databaseUrl: config.databaseUrl, poolSize: config.databasePoolSize ?? 10 });
  const redis = createRedisConnection(config.redisUrl);
  const queues = new Map<string, TrainingQueue>();
  const queueFor = (name: string) => {
    let q = queues.get(name);
    if (!q) {
      q = new TrainingQueue({ connection: redis, queue: name, prefix: config.queuePrefix });
      queues.set(name, q);
    }
    return q;
  };
  const runs = new RunRepository(prisma);
  const projects = new ProjectRepository(prisma);
  const workers = new WorkerRepository(prisma);
  const hub = new StreamHub(() => createRedisConnection(config.redisUrl));
  return {
    redis,
    runs,
    metrics: new MetricRepository(prisma),
    artifacts: new ArtifactRepository(prisma),
    workers,
    projects,
    health: new HealthRepository(prisma),
    runService: new RunService({ runs, projects, workers, queueFor }),
    hub,
    async close() {
      await Promise.all([...queues.values()].map((q) => q.close()));
      hub.close();
      redis.disconnect();
      await prisma.$disconnect();
    },
  };
}

const processWide = globalThis as unknown as { seqlabServices?: Services };

/** The services of this web process, created from its environment on first use. */
export function services(): Services {
  if (!processWide.seqlabServices) {
    const e = env();
    processWide.seqlabServices = createServices({
      databaseUrl: e.DATABASE_URL,
      redisUrl: e.REDIS_URL,
      queuePrefix: e.SEQLAB_QUEUE_PREFIX,
    });
  }
  return processWide.seqlabServices;
}
