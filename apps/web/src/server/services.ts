import type { RedisClient } from "@seqlab/queue";
import { type ArtifactStoreConfig, createArtifactStore } from "@seqlab/artifact-store";
import { createAuth, type SeqlabAuth } from "@seqlab/auth";
import {
  ArtifactRepository,
  AuditRepository,
  createPrismaClient,
  HealthRepository,
  MetricRepository,
  ProjectRepository,
  RunRepository,
  SweepRepository,
  TeamRepository,
  WorkerRepository,
} from "@seqlab/db";
import { createRedisClient, SweepQueue, TrainingQueue } from "@seqlab/queue";
import { configFromEnv } from "./config-from-env";
import { publicUrl, type PublicUrl } from "../../public-url.mjs";
import { RateLimiter } from "./rate-limiter";
import { RunService } from "./run-service";
import { StreamHub } from "./stream-hub";
import { StreamLimiter } from "./stream-limiter";
import { SweepController } from "./sweeps/sweep-controller";
import { VerifiedKeys } from "./verified-keys";

/** Per-user and per-IP limits; each has a default in env.ts. */
export interface WebLimits {
  launchesPerMinute: number;
  signInPerIpPerMinute: number;
  signInPerAccountPerMinute: number;
  streamsPerUser: number;
  streamsTotal: number;
}

/** What a web process needs: its database, Redis, public URL, auth secret and limits. Built from env or by a test. */
export interface WebConfig {
  databaseUrl: string;
  redisUrl: string;
  /** BullMQ key prefix (tests pass a unique one); also namespaces the rate limiters' keys. */
  queuePrefix: string;
  /** The dashboard's public URL (SEQLAB_URL). */
  baseUrl: string;
  /** Further host names it answers to. */
  extraHosts?: string[];
  authSecret: string;
  /** Anyone may create an account. */
  openSignup?: boolean;
  /** How long a browser's signed copy of its session is believed (packages/auth); default 60 s, 0 off. */
  sessionCacheSeconds?: number;
  limits?: Partial<WebLimits>;
  /** Pooled database connections. Default 10: SSE snapshots and page renders run concurrently. */
  databasePoolSize?: number;
  /** Test-only fault injection (SEQLAB_FAULT). */
  fault?: "sweep-exit-after-promotion";
  /** Where artifact bytes live (the filesystem under the data directory by default, or S3). */
  artifactStore: ArtifactStoreConfig;
  /** The bearer token Prometheus reads /metrics with (SEQLAB_METRICS_TOKEN); without one only instance admins may. */
  metricsToken?: string;
}

const DEFAULT_LIMITS: WebLimits = {
  launchesPerMinute: 60,
  signInPerIpPerMinute: 30,
  signInPerAccountPerMinute: 10,
  streamsPerUser: 20,
  streamsTotal: 500,
};

/** Long-lived connections and services of one web process, shared by every request. */
export interface Services {
  redis: RedisClient;
  auth: SeqlabAuth;
  url: PublicUrl;
  openSignup: boolean;
  limits: WebLimits;
  runs: RunRepository;
  metrics: MetricRepository;
  artifacts: ArtifactRepository;
  workers: WorkerRepository;
  projects: ProjectRepository;
  teams: TeamRepository;
  audit: AuditRepository;
  health: HealthRepository;
  runService: RunService;
  hub: StreamHub;
  rateLimiter: RateLimiter;
  streams: StreamLimiter;
  sweeps: SweepRepository;
  /** The sweep controller's queue (reports and the periodic tick) and the controller itself. */
  sweepQueue: SweepQueue;
  sweepController: SweepController;
  /** Keys better-auth verified lately in this process (requests in between only read the key's row). */
  verifiedKeys: VerifiedKeys;
  /** The training queue of a seqlab queue name, one per name per process (the operations metrics read them). */
  queueFor: (queue: string) => TrainingQueue;
  /** The token that may read /metrics, or null: then only instance admins may. */
  metricsToken: string | null;
  /** Closes every connection (tests call it in afterAll). */
  close(): Promise<void>;
}

/** Builds the services for a config. Each call opens its own connections. */
export function createServices(config: WebConfig): Services {
  const prisma = createPrismaClient({ databaseUrl: config.databaseUrl, poolSize: config.databasePoolSize ?? 10 });
  const redis = createRedisClient(config.redisUrl);
  const artifactStore = createArtifactStore(config.artifactStore);
  const queues = new Map<string, TrainingQueue>();
  const queueFor = (name: string) => {
    let q = queues.get(name);
    if (!q) {
      q = new TrainingQueue({ connection: redis, queue: name, prefix: config.queuePrefix });
      queues.set(name, q);
    }
    return q;
  };
  const url = publicUrl(config.baseUrl, config.extraHosts);
  const limits = { ...DEFAULT_LIMITS, ...config.limits };
  const runs = new RunRepository(prisma);
  const projects = new ProjectRepository(prisma);
  const workers = new WorkerRepository(prisma);
  const teams = new TeamRepository(prisma);
  const hub = new StreamHub(() => createRedisClient(config.redisUrl));
  const sweeps = new SweepRepository(prisma);
  const sweepQueue = new SweepQueue({ connection: redis, prefix: config.queuePrefix });
  const runService = new RunService({ runs, projects, workers, queueFor });
  const sweepController = new SweepController({
    sweeps,
    runs,
    queueFor,
    sweepQueue,
    cancelRun: (runId) => runService.cancel(runId),
    log: (message) => console.log(`[web] ${message}`),
    ...(config.fault === "sweep-exit-after-promotion" ? { fault: "exit-after-promotion" as const } : {}),
  });
  return {
    redis,
    auth: createAuth({
      db: prisma,
      baseUrl: url.baseUrl,
      trustedOrigins: [...url.origins],
      secret: config.authSecret,
      ...(config.sessionCacheSeconds === undefined ? {} : { sessionCacheSeconds: config.sessionCacheSeconds }),
    }),
    url,
    openSignup: config.openSignup ?? false,
    limits,
    runs,
    metrics: new MetricRepository(prisma),
    artifacts: new ArtifactRepository(prisma, artifactStore),
    workers,
    projects,
    teams,
    verifiedKeys: new VerifiedKeys(),
    queueFor,
    metricsToken: config.metricsToken ?? null,
    audit: new AuditRepository(prisma),
    health: new HealthRepository(prisma),
    runService,
    sweeps,
    sweepQueue,
    sweepController,
    hub,
    rateLimiter: new RateLimiter(redis, `seqlab:${config.queuePrefix}`),
    streams: new StreamLimiter({ perUser: limits.streamsPerUser, total: limits.streamsTotal }),
    async close() {
      await Promise.all([...queues.values(), sweepQueue].map((q) => q.close()));
      hub.close();
      redis.disconnect();
      await artifactStore.close();
      await prisma.$disconnect();
    },
  };
}

const processWide = globalThis as unknown as { seqlabServices?: Services };

/** The services of this web process, created from its environment on first use. */
export function services(): Services {
  processWide.seqlabServices ??= createServices(configFromEnv());
  return processWide.seqlabServices;
}
