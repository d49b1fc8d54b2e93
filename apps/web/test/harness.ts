import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { createTestDatabase, testArtifactStoreConfig, type TestDatabase } from "@seqlab/db/testing";
import { encodeCheckpoint, type CheckpointMeta, type CheckpointTensor } from "@seqlab/models/export";
import { createRedisConnection, SweepQueue, TrainingQueue } from "@seqlab/queue";
/** Debian's Chromium with the flags this machine needs (shared/notes/browser.md). */
export { launchChromium } from "@seqlab/launcher/browser";
import { createServices, type Services, type WebConfig, type WebLimits } from "../src/server/services";

export const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
export const WEB_DIR = path.resolve(__dirname, "..");
const REPO_ROOT = path.resolve(WEB_DIR, "../..");

/** The base URL in-process tests use for requests (the services accept its host and origin). */
export const TEST_BASE_URL = "http://localhost:3000";

/** A test's own database schema, queue prefix and web services, built directly (no environment involved). */
export interface TestApp {
  db: TestDatabase;
  prefix: string;
  /** What its services were built from: build a second process's services from it. */
  config: WebConfig;
  services: Services;
  close(): Promise<void>;
}

export async function createTestApp(
  options: { limits?: Partial<WebLimits>; openSignup?: boolean; redisUrl?: string } = {},
): Promise<TestApp> {
  const db = await createTestDatabase();
  const prefix = `test-${randomUUID()}`;
  const config: WebConfig = {
    databaseUrl: db.url,
    redisUrl: options.redisUrl ?? REDIS_URL,
    queuePrefix: prefix,
    databasePoolSize: 4,
    artifactStore: testArtifactStoreConfig(),
    baseUrl: TEST_BASE_URL,
    authSecret: randomUUID() + randomUUID(),
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.openSignup ? { openSignup: true } : {}),
  };
  const services = createServices(config);
  return {
    db,
    prefix,
    config,
    services,
    async close() {
      await services.close();
      await db.drop();
    },
  };
}

/** A user of a test app and the headers that authenticate as them (session cookie), or with one of their keys. */
export interface TestUser {
  userId: string;
  email: string;
  /** Headers of a signed-in browser: the session cookie. */
  cookie: string;
}

let userCounter = 0;

/** Creates an account through better-auth and signs it in. */
export async function createUser(
  app: TestApp,
  options: { name?: string; instanceAdmin?: boolean } = {},
): Promise<TestUser> {
  const email = `user${++userCounter}-${randomUUID().slice(0, 8)}@example.com`;
  const result = await app.services.auth.api.signUpEmail({
    body: { email, password: "correct horse battery", name: options.name ?? email.split("@")[0]! },
    returnHeaders: true,
  });
  if (options.instanceAdmin) await app.services.teams.markInstanceAdmin(result.response.user.id);
  return { userId: result.response.user.id, email, cookie: (result.headers.get("set-cookie") ?? "").split(";")[0]! };
}

/** A team (with its default project) whose members have the given roles. */
export async function createTeam(
  app: TestApp,
  slug: string,
  members: [TestUser, string][],
): Promise<{ id: string; slug: string; projectId: string }> {
  const project = await app.services.projects.ensureProject({ teamSlug: slug, projectSlug: "default" });
  for (const [user, role] of members) {
    await app.db.prisma.membership.create({ data: { teamId: project.teamId, userId: user.userId, role } });
  }
  return { id: project.teamId, slug, projectId: project.id };
}

/** An API key for the user (optionally scoped to a team, read-only, expiring). */
export async function createKey(
  app: TestApp,
  user: TestUser,
  options: { teamId?: string; readOnly?: boolean } = {},
): Promise<{ key: string; id: string }> {
  const created = await app.services.auth.api.createApiKey({
    body: {
      name: "test",
      userId: user.userId,
      metadata: { teamId: options.teamId ?? null, readOnly: options.readOnly ?? false },
    },
  });
  return { key: created.key, id: created.id };
}

/** How a test request authenticates. */
export type TestAuth = { cookie: string } | { bearer: string } | null;

/** A request to an in-process handler, from this dashboard's own origin (so CSRF rules are those of its pages). */
export function authedRequest(method: string, url: string, auth: TestAuth, body?: unknown): Request {
  const headers = new Headers({ origin: TEST_BASE_URL });
  if (body !== undefined) headers.set("content-type", "application/json");
  if (auth && "cookie" in auth) headers.set("cookie", auth.cookie);
  if (auth && "bearer" in auth) headers.set("authorization", `Bearer ${auth.bearer}`);
  return new Request(`${TEST_BASE_URL}${url}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
}

/** Removes every job a test left under `prefix`: its training queues' and the sweep controller's. */
export async function dropQueues(prefix: string, trainingQueues: readonly string[] = ["default"]): Promise<void> {
  const redis = createRedisConnection(REDIS_URL);
  const queues = [
    ...trainingQueues.map((queue) => new TrainingQueue({ connection: redis, queue, prefix }).queue),
    new SweepQueue({ connection: redis, prefix }).queue,
  ];
  for (const queue of queues) {
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  }
  redis.disconnect();
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

export async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

/** The real dashboard server process (apps/web/server.mjs on the production build), on a free port. */
export async function startWebProcess(
  env: Record<string, string>,
): Promise<{ url: string; child: ChildProcess; stop(): Promise<void> }> {
  if (!existsSync(path.join(WEB_DIR, ".next/BUILD_ID"))) {
    throw new Error(
      "apps/web has no production build: run `./seqlab test` (it builds first) or `npx turbo run build --filter=@seqlab/web`",
    );
  }
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(WEB_DIR, "server.mjs")], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      SEQLAB_AUTH_SECRET: randomUUID() + randomUUID(),
      SEQLAB_URL: `http://127.0.0.1:${port}`,
      // The artifact store this test process's workers and in-process services use.
      SEQLAB_ARTIFACT_DIR: testArtifactStoreConfig().root,
      ...env,
      PORT: String(port),
      HOST: "127.0.0.1",
      NODE_ENV: "production",
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/api/health`, 60_000);
  return {
    url,
    child,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/**
 * A seqlab checkpoint made without tfjs: `model` with the given weight shapes (values i/8 - 0.5) on a small
 * many-to-one regression io (2 features, 5 steps, 2 units), at step 20. Enough for the routes that read checkpoints.
 */
export function syntheticCheckpoint(model: string, shapes: Record<string, number[]>): Uint8Array {
  const meta: CheckpointMeta = {
    format: "seqlab-checkpoint",
    version: 1,
    model,
    hyperparameters: { units: 2 },
    io: {
      problemType: "many-to-one",
      inputFeatures: 2,
      inputLength: 5,
      outputKind: "regression",
      outputSize: 1,
      targetLength: 1,
      heads: ["regression"],
    },
    optimizer: { name: "adam", learningRate: 0.001, clipNorm: 1 },
    seed: 1,
    step: 20,
  };
  const tensors = Object.entries(shapes).map(([name, shape]): CheckpointTensor => {
    const size = shape.reduce((p, d) => p * d, 1);
    return { name, dtype: "float32", shape, values: Float32Array.from({ length: size }, (_, i) => i / 8 - 0.5) };
  });
  return encodeCheckpoint(meta, tensors);
}

/** A 2-unit LSTM checkpoint (exportable as safetensors and as a stock tfjs model). */
export function tinyLstmCheckpoint(): Uint8Array {
  return syntheticCheckpoint("lstm", {
    "model/layer0/kernel": [2, 8],
    "model/layer0/recurrent_kernel": [2, 8],
    "model/layer0/bias": [8],
    "model/output/kernel": [2, 1],
    "model/output/bias": [1],
    "optimizer/adam/m/output/bias": [1],
  });
}
