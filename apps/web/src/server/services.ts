import type { Redis } from "ioredis";
import {
  createPrismaClient,
  ArtifactRepository,
  MetricRepository,
  ProjectRepository,
  RunRepository,
  WorkerRepository,
  type Db,
} from "@seqlab/db";
import { createRedisConnection, TrainingQueue } from "@seqlab/queue";
import { env } from "../env";
import { RunService } from "./run-service";
import { StreamHub } from "./stream-hub";

/** Long-lived connections of one web process, created on first use and shared by every request. */
export interface Services {
  prisma: Db;
  redis: Redis;
  runs: RunRepository;
  metrics: MetricRepository;
  artifacts: ArtifactRepository;
  workers: WorkerRepository;
  projects: ProjectRepository;
  runService: RunService;
  hub: StreamHub;
}

const globalForServices = globalThis as unknown as { seqlabServices?: Services };

export function services(): Services {
  if (globalForServices.seqlabServices) return globalForServices.seqlabServices;
  const config = env();
  // Ten connections: SSE snapshots and page renders run concurrently; PGlite serialises them anyway.
  const prisma = createPrismaClient({ databaseUrl: config.DATABASE_URL, poolSize: 10 });
  const redis = createRedisConnection(config.REDIS_URL);
  const queues = new Map<string, TrainingQueue>();
  const queueFor = (name: string) => {
    let q = queues.get(name);
    if (!q) {
      q = new TrainingQueue({ connection: redis, queue: name, prefix: config.SEQLAB_QUEUE_PREFIX });
      queues.set(name, q);
    }
    return q;
  };
  const runs = new RunRepository(prisma);
  const projects = new ProjectRepository(prisma);
  const created: Services = {
    prisma,
    redis,
    runs,
    metrics: new MetricRepository(prisma),
    artifacts: new ArtifactRepository(prisma),
    workers: new WorkerRepository(prisma),
    projects,
    runService: new RunService({ runs, projects, queueFor }),
    hub: new StreamHub(() => createRedisConnection(config.REDIS_URL)),
  };
  globalForServices.seqlabServices = created;
  return created;
}
