import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { SweepDefinition } from "@seqlab/contracts";
import { TrainingQueue } from "@seqlab/queue";
import type { RouteHandler } from "../src/server/route";
import { resolveRunConfig } from "../src/server/run-service";
import {
  authedRequest,
  createKey,
  createTeam,
  createTestApp,
  createUser,
  tinyLstmCheckpoint,
  type TestApp,
  type TestAuth,
  type TestUser,
} from "./harness";

jest.setTimeout(300_000);

const APP_DIR = path.resolve(__dirname, "../src/app");
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
type Method = (typeof METHODS)[number];

/** Every route file under src/app (the API's and /metrics), as its URL pattern (`/api/runs/[id]`). */
function routeFiles(dir = APP_DIR): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return routeFiles(full);
    return name === "route.ts" ? [`/${path.relative(APP_DIR, dir).split(path.sep).join("/")}`] : [];
  });
}

/** The handlers a route file serves, by method (methodNotAllowed answers carry no handler). */
async function servedMethods(route: string): Promise<Partial<Record<Method, RouteHandler<unknown>>>> {
  const file = path.join(APP_DIR, route.replace(/^\//, ""), "route.ts");
  const mod = (await import(file)) as Record<string, unknown>;
  const out: Partial<Record<Method, RouteHandler<unknown>>> = {};
  for (const method of METHODS) {
    const handler = (mod[method] as { handler?: RouteHandler<unknown> } | undefined)?.handler;
    if (handler) out[method] = handler;
  }
  return out;
}

/**
 * The principals every route is tried with. Team "alpha" has one member of each role; "outsider" is only in team
 * "beta". The read-only key is the owner's (scoped to alpha), the full key the member's, the revoked key the admin's.
 */
const PRINCIPALS = [
  "anonymous",
  "viewer",
  "member",
  "admin",
  "owner",
  "outsider",
  "readOnlyKey",
  "fullKey",
  "revokedKey",
] as const;
type PrincipalName = (typeof PRINCIPALS)[number];

/** Expected status per principal: a default and overrides. */
type Expectation = Partial<Record<PrincipalName, number>> & { others?: number };

/** One row of the matrix: a route and method, how to build its request, and the statuses it must answer with. */
interface Case {
  route: string;
  method: Method;
  /** Builds the concrete request for one principal, creating fresh resources when the call would use them up. */
  prepare(who: PrincipalName): Promise<{ url: string; params: Record<string, string>; body?: unknown }>;
  expect: Expectation;
}

/** A one-trial sweep on a queue nobody serves: enough for the gates, nothing trains. */
const SWEEP_DEFINITION = {
  project: "default",
  base: { model: "rnn", dataset: "adding", training: { steps: 2 }, queue: "matrix" },
  method: "random",
  parameters: { "training.learningRate": { kind: "log-uniform", min: 0.001, max: 0.1 } },
  metric: { name: "val/loss", goal: "minimize" },
  limits: { maxTrials: 1, maxConcurrent: 1 },
};

const expected = (c: Case, who: PrincipalName): number => c.expect[who] ?? c.expect.others ?? 200;

describe("access matrix: every API route × method × principal (real PostgreSQL, Redis, better-auth)", () => {
  let app: TestApp;
  const users = {} as Record<"viewer" | "member" | "admin" | "owner" | "outsider", TestUser>;
  const auth = {} as Record<PrincipalName, TestAuth>;
  let alpha: { id: string; slug: string; projectId: string };
  let counter = 0;
  const fresh = () => `${Date.now().toString(36)}${++counter}`;

  /** A queued run in alpha launched by `by`, through the service (written and enqueued as the API does). */
  const runBy = async (by: TestUser) => {
    const resolved = resolveRunConfig({ model: "rnn", dataset: "adding", training: { steps: 1 }, queue: "matrix" });
    return (await app.services.runService.launch({ ...resolved, projectId: alpha.projectId, createdById: by.userId }))
      .run.id;
  };
  /** A fixed run for read routes. */
  let readRun: string;
  let readArtifact: string;

  /** Everything a denied request must leave as it was. */
  const snapshot = async () => {
    const p = app.db.prisma;
    return JSON.stringify(
      await Promise.all([
        p.run.findMany({
          select: { id: true, status: true, priority: true, cancelRequested: true },
          orderBy: { id: "asc" },
        }),
        p.membership.findMany({ select: { id: true, role: true }, orderBy: { id: "asc" } }),
        p.invitation.findMany({ select: { id: true, status: true }, orderBy: { id: "asc" } }),
        p.apiKey.findMany({ select: { id: true, enabled: true }, orderBy: { id: "asc" } }),
        p.project.findMany({ select: { id: true, name: true }, orderBy: { id: "asc" } }),
        p.team.findMany({ select: { id: true, name: true, slug: true }, orderBy: { id: "asc" } }),
        p.user.count(),
        p.session.count(),
        p.auditEvent.count(),
      ]),
    );
  };

  beforeAll(async () => {
    app = await createTestApp();
    for (const role of ["viewer", "member", "admin", "owner", "outsider"] as const)
      users[role] = await createUser(app, { name: role });
    await app.services.teams.markInstanceAdmin(users.owner.userId);
    alpha = await createTeam(app, "alpha", [
      [users.viewer, "viewer"],
      [users.member, "member"],
      [users.admin, "admin"],
      [users.owner, "owner"],
    ]);
    await createTeam(app, "beta", [[users.outsider, "owner"]]);
    auth.anonymous = null;
    for (const role of ["viewer", "member", "admin", "owner", "outsider"] as const)
      auth[role] = { cookie: users[role].cookie };
    auth.readOnlyKey = { bearer: (await createKey(app, users.owner, { teamId: alpha.id, readOnly: true })).key };
    auth.fullKey = { bearer: (await createKey(app, users.member, { teamId: alpha.id })).key };
    const revoked = await createKey(app, users.admin);
    await app.services.auth.api.updateApiKey({
      body: { keyId: revoked.id, userId: users.admin.userId, enabled: false },
    });
    auth.revokedKey = { bearer: revoked.key };
    readRun = await runBy(users.member);
    readArtifact = (
      await app.services.artifacts.saveArtifact({
        runId: readRun,
        kind: "checkpoint",
        name: "step-1",
        // A real (tiny) checkpoint, so the export routes answer a reader with 200, as for any trained run.
        content: tinyLstmCheckpoint(),
        step: 1,
      })
    ).id;
  });
  afterAll(async () => {
    await new TrainingQueue({ connection: app.services.redis, queue: "matrix", prefix: app.prefix }).queue.obliterate({
      force: true,
    });
    await app.close();
  });

  const userOf = (who: PrincipalName): TestUser | null =>
    who === "readOnlyKey"
      ? users.owner
      : who === "fullKey"
        ? users.member
        : who === "revokedKey"
          ? users.admin
          : who === "anonymous"
            ? null
            : users[who];

  /** A team with the same people in the same roles as alpha, for calls that would use alpha up (delete, transfer). */
  const disposableTeam = async () =>
    createTeam(app, `tmp-${fresh()}`, [
      [users.viewer, "viewer"],
      [users.member, "member"],
      [users.admin, "admin"],
      [users.owner, "owner"],
    ]);

  const signedIn = { anonymous: 401, revokedKey: 401 };
  const read = { ...signedIn, outsider: 404 };
  const sessionOnly = { readOnlyKey: 403, fullKey: 403 };
  const adminOnly = { ...read, ...sessionOnly, viewer: 403, member: 403 };
  const ownerOnly = { ...adminOnly, admin: 403 };
  const modify = { ...read, viewer: 403, readOnlyKey: 403 };
  const simple = (url: string, body?: unknown) => async () => ({
    url,
    params: {},
    ...(body === undefined ? {} : { body }),
  });

  const cases: Case[] = [
    { route: "/api/health", method: "GET", prepare: simple("/api/health"), expect: {} },
    {
      route: "/metrics",
      method: "GET",
      prepare: simple("/metrics"),
      // The instance's admins (the owner, and the owner's key); no SEQLAB_METRICS_TOKEN is configured here.
      expect: { ...signedIn, others: 403, owner: 200, readOnlyKey: 200 },
    },
    { route: "/api/catalog", method: "GET", prepare: simple("/api/catalog"), expect: signedIn },
    { route: "/api/workers", method: "GET", prepare: simple("/api/workers"), expect: signedIn },
    { route: "/api/runs", method: "GET", prepare: simple("/api/runs"), expect: signedIn },
    {
      route: "/api/runs",
      method: "POST",
      prepare: simple("/api/runs", {
        team: "alpha",
        model: "rnn",
        dataset: "adding",
        training: { steps: 1 },
        queue: "matrix",
      }),
      expect: { ...modify, others: 201 },
    },
    { route: "/api/runs/stream", method: "GET", prepare: simple("/api/runs/stream"), expect: signedIn },
    { route: "/api/runs/fields", method: "GET", prepare: simple("/api/runs/fields"), expect: signedIn },
    {
      route: "/api/runs/series",
      method: "GET",
      prepare: async () => ({ url: `/api/runs/series?runs=${readRun}`, params: {} }),
      // Readable by anyone signed in; a run the caller may not read comes back under "missing", not as data.
      expect: signedIn,
    },
    {
      route: "/api/runs/bulk",
      method: "POST",
      prepare: async () => {
        const id = await runBy(users.member);
        return { url: "/api/runs/bulk", params: {}, body: { action: "tag", runIds: [id], tags: ["matrix"] } };
      },
      expect: { ...modify, others: 200 },
    },
    {
      route: "/api/runs/[id]",
      method: "GET",
      prepare: async () => ({ url: `/api/runs/${readRun}`, params: { id: readRun } }),
      expect: read,
    },
    {
      route: "/api/runs/[id]",
      method: "PATCH",
      prepare: async () => {
        const id = await runBy(users.member);
        return { url: `/api/runs/${id}`, params: { id }, body: { priority: 5 } };
      },
      expect: modify,
    },
    {
      route: "/api/runs/[id]/cancel",
      method: "POST",
      prepare: async () => {
        const id = await runBy(users.member);
        return { url: `/api/runs/${id}/cancel`, params: { id } };
      },
      expect: { ...modify, others: 202 },
    },
    {
      route: "/api/runs/[id]/metrics",
      method: "GET",
      prepare: async () => ({ url: `/api/runs/${readRun}/metrics`, params: { id: readRun } }),
      expect: read,
    },
    {
      route: "/api/runs/[id]/series",
      method: "GET",
      prepare: async () => ({ url: `/api/runs/${readRun}/series`, params: { id: readRun } }),
      expect: read,
    },
    {
      route: "/api/runs/[id]/resume",
      method: "POST",
      prepare: async () => {
        // A cancelled run of the member's with a checkpoint: what Resume continues.
        const id = await runBy(users.member);
        await app.services.runService.cancel(id);
        await app.services.artifacts.saveArtifact({
          runId: id,
          kind: "checkpoint",
          name: "step-1",
          content: new Uint8Array([1]),
          step: 1,
        });
        return { url: `/api/runs/${id}/resume`, params: { id } };
      },
      expect: { ...modify, others: 202 },
    },
    {
      route: "/api/runs/[id]/predictions",
      method: "GET",
      prepare: async () => ({ url: `/api/runs/${readRun}/predictions`, params: { id: readRun } }),
      expect: read,
    },
    {
      route: "/api/runs/[id]/evaluation",
      method: "GET",
      prepare: async () => ({ url: `/api/runs/${readRun}/evaluation`, params: { id: readRun } }),
      expect: read,
    },
    {
      route: "/api/runs/[id]/gradient-flow",
      method: "GET",
      prepare: async () => ({ url: `/api/runs/${readRun}/gradient-flow`, params: { id: readRun } }),
      expect: read,
    },
    {
      route: "/api/runs/[id]/stream",
      method: "GET",
      prepare: async () => ({ url: `/api/runs/${readRun}/stream`, params: { id: readRun } }),
      expect: read,
    },
    {
      route: "/api/artifacts/[id]",
      method: "GET",
      prepare: async () => ({ url: `/api/artifacts/${readArtifact}`, params: { id: readArtifact } }),
      expect: read,
    },
    {
      route: "/api/artifacts/[id]/export",
      method: "GET",
      prepare: async () => ({
        url: `/api/artifacts/${readArtifact}/export?format=safetensors`,
        params: { id: readArtifact },
      }),
      expect: read,
    },
    {
      route: "/api/artifacts/[id]/tfjs/model.json",
      method: "GET",
      prepare: async () => ({ url: `/api/artifacts/${readArtifact}/tfjs/model.json`, params: { id: readArtifact } }),
      expect: read,
    },
    {
      route: "/api/artifacts/[id]/tfjs/weights.bin",
      method: "GET",
      prepare: async () => ({ url: `/api/artifacts/${readArtifact}/tfjs/weights.bin`, params: { id: readArtifact } }),
      expect: read,
    },
    {
      route: "/api/queues/[queue]",
      method: "GET",
      prepare: async () => ({ url: "/api/queues/matrix", params: { queue: "matrix" } }),
      expect: signedIn,
    },
    { route: "/api/setup", method: "GET", prepare: simple("/api/setup"), expect: {} },
    {
      route: "/api/setup",
      method: "POST",
      prepare: simple("/api/setup", { name: "X", email: "x@example.com", password: "correct horse", teamName: "X" }),
      expect: { others: 409 },
    },
    { route: "/api/account", method: "GET", prepare: simple("/api/account"), expect: signedIn },
    {
      route: "/api/account/sign-up",
      method: "POST",
      prepare: async () => ({
        url: "/api/account/sign-up",
        params: {},
        body: { name: "Y", email: `y${fresh()}@example.com`, password: "correct horse" },
      }),
      expect: { others: 403 },
    },
    {
      route: "/api/account/api-keys",
      method: "GET",
      prepare: simple("/api/account/api-keys"),
      expect: { ...signedIn, ...sessionOnly },
    },
    {
      route: "/api/account/api-keys",
      method: "POST",
      prepare: simple("/api/account/api-keys", { name: "mine" }),
      expect: { ...signedIn, ...sessionOnly, others: 201 },
    },
    {
      route: "/api/account/api-keys/[id]",
      method: "DELETE",
      prepare: async (who) => {
        const owner = userOf(who) ?? users.member;
        const { id } = await createKey(app, owner);
        return { url: `/api/account/api-keys/${id}`, params: { id } };
      },
      expect: { ...signedIn, ...sessionOnly },
    },
    {
      route: "/api/invitations/[id]",
      method: "GET",
      prepare: async () => {
        const inv = await app.db.prisma.invitation.create({
          data: {
            teamId: alpha.id,
            email: `z${fresh()}@example.com`,
            role: "member",
            expiresAt: new Date(Date.now() + 86_400_000),
            inviterId: users.admin.userId,
          },
        });
        return { url: `/api/invitations/${inv.id}`, params: { id: inv.id } };
      },
      expect: {},
    },
    {
      route: "/api/invitations/[id]/accept",
      method: "POST",
      prepare: async () => {
        // Made for somebody else: nobody in the matrix may take it.
        const inv = await app.db.prisma.invitation.create({
          data: {
            teamId: alpha.id,
            email: `z${fresh()}@example.com`,
            role: "member",
            expiresAt: new Date(Date.now() + 86_400_000),
            inviterId: users.admin.userId,
          },
        });
        return { url: `/api/invitations/${inv.id}/accept`, params: { id: inv.id } };
      },
      expect: { ...signedIn, others: 403 },
    },
    { route: "/api/teams", method: "GET", prepare: simple("/api/teams"), expect: signedIn },
    {
      route: "/api/teams",
      method: "POST",
      prepare: async () => ({ url: "/api/teams", params: {}, body: { name: `New ${fresh()}` } }),
      // Teams are created by the instance's operators: the owner is one here.
      expect: { ...signedIn, ...sessionOnly, others: 403, owner: 201 },
    },
    {
      route: "/api/teams/[team]",
      method: "GET",
      prepare: async () => ({ url: "/api/teams/alpha", params: { team: "alpha" } }),
      expect: read,
    },
    {
      route: "/api/teams/[team]",
      method: "PATCH",
      prepare: async () => ({ url: "/api/teams/alpha", params: { team: "alpha" }, body: { name: `Alpha ${fresh()}` } }),
      expect: adminOnly,
    },
    {
      route: "/api/teams/[team]",
      method: "DELETE",
      prepare: async () => {
        const team = await disposableTeam();
        return { url: `/api/teams/${team.slug}`, params: { team: team.slug }, body: { confirm: team.slug } };
      },
      expect: ownerOnly,
    },
    {
      route: "/api/teams/[team]/transfer",
      method: "POST",
      prepare: async () => {
        const team = await disposableTeam();
        const to = await app.db.prisma.membership.findFirstOrThrow({
          where: { teamId: team.id, userId: users.admin.userId },
        });
        return { url: `/api/teams/${team.slug}/transfer`, params: { team: team.slug }, body: { memberId: to.id } };
      },
      expect: ownerOnly,
    },
    {
      route: "/api/teams/[team]/members",
      method: "GET",
      prepare: async () => ({ url: "/api/teams/alpha/members", params: { team: "alpha" } }),
      expect: read,
    },
    {
      route: "/api/teams/[team]/members/[member]",
      method: "PATCH",
      prepare: async () => {
        const extra = await createUser(app);
        const m = await app.db.prisma.membership.create({
          data: { teamId: alpha.id, userId: extra.userId, role: "viewer" },
        });
        return {
          url: `/api/teams/alpha/members/${m.id}`,
          params: { team: "alpha", member: m.id },
          body: { role: "member" },
        };
      },
      expect: adminOnly,
    },
    {
      route: "/api/teams/[team]/members/[member]",
      method: "DELETE",
      prepare: async () => {
        const extra = await createUser(app);
        const m = await app.db.prisma.membership.create({
          data: { teamId: alpha.id, userId: extra.userId, role: "viewer" },
        });
        return { url: `/api/teams/alpha/members/${m.id}`, params: { team: "alpha", member: m.id } };
      },
      expect: adminOnly,
    },
    {
      route: "/api/teams/[team]/invitations",
      method: "GET",
      prepare: async () => ({ url: "/api/teams/alpha/invitations", params: { team: "alpha" } }),
      expect: adminOnly,
    },
    {
      route: "/api/teams/[team]/invitations",
      method: "POST",
      prepare: async () => ({
        url: "/api/teams/alpha/invitations",
        params: { team: "alpha" },
        body: { email: `i${fresh()}@example.com`, role: "member" },
      }),
      expect: { ...adminOnly, others: 201 },
    },
    {
      route: "/api/teams/[team]/invitations/[invitation]",
      method: "DELETE",
      prepare: async () => {
        const inv = await app.db.prisma.invitation.create({
          data: {
            teamId: alpha.id,
            email: `c${fresh()}@example.com`,
            role: "member",
            expiresAt: new Date(Date.now() + 86_400_000),
            inviterId: users.admin.userId,
          },
        });
        return { url: `/api/teams/alpha/invitations/${inv.id}`, params: { team: "alpha", invitation: inv.id } };
      },
      expect: adminOnly,
    },
    {
      route: "/api/teams/[team]/projects",
      method: "GET",
      prepare: async () => ({ url: "/api/teams/alpha/projects", params: { team: "alpha" } }),
      expect: read,
    },
    {
      route: "/api/teams/[team]/projects",
      method: "POST",
      prepare: async () => ({
        url: "/api/teams/alpha/projects",
        params: { team: "alpha" },
        body: { name: `Project ${fresh()}` },
      }),
      // Keys may create projects for an admin; the read-only key is read-only, the full key is a member's.
      expect: { ...read, viewer: 403, member: 403, readOnlyKey: 403, fullKey: 403, others: 201 },
    },
    {
      route: "/api/teams/[team]/api-keys",
      method: "GET",
      prepare: async () => ({ url: "/api/teams/alpha/api-keys", params: { team: "alpha" } }),
      expect: adminOnly,
    },
    {
      route: "/api/teams/[team]/api-keys/[key]",
      method: "DELETE",
      prepare: async () => {
        const { id } = await createKey(app, users.member, { teamId: alpha.id });
        return { url: `/api/teams/alpha/api-keys/${id}`, params: { team: "alpha", key: id } };
      },
      expect: adminOnly,
    },
    {
      route: "/api/teams/[team]/audit",
      method: "GET",
      prepare: async () => ({ url: "/api/teams/alpha/audit", params: { team: "alpha" } }),
      expect: adminOnly,
    },
    { route: "/api/auth/[...all]", method: "GET", prepare: simple("/api/auth/get-session"), expect: {} },
    {
      route: "/api/auth/[...all]",
      method: "POST",
      prepare: async () => ({
        url: "/api/auth/sign-in/email",
        params: {},
        body: { email: users.viewer.email, password: "wrong password" },
      }),
      expect: { others: 401 },
    },
  ];
  /** A sweep of the member's in alpha (on a queue nobody serves), RUNNING or PAUSED. */
  const sweepBy = async (by: TestUser, status: "RUNNING" | "PAUSED" = "RUNNING") => {
    const sweep = await app.services.sweeps.createSweep({
      projectId: alpha.projectId,
      createdById: by.userId,
      name: `sweep-${fresh()}`,
      definition: SweepDefinition.parse(SWEEP_DEFINITION),
      sourceRunId: null,
    });
    if (status === "PAUSED") await app.services.sweeps.transition(sweep.id, ["RUNNING"], "PAUSED");
    return sweep.id;
  };
  const onSweep =
    (suffix: string, status: "RUNNING" | "PAUSED" = "RUNNING") =>
    async () => {
      const id = await sweepBy(users.member, status);
      return { url: `/api/sweeps/${id}/${suffix}`, params: { id } };
    };
  cases.push(
    { route: "/api/sweeps", method: "GET", prepare: simple("/api/sweeps"), expect: signedIn },
    {
      route: "/api/sweeps",
      method: "POST",
      prepare: simple("/api/sweeps", { definition: { ...SWEEP_DEFINITION, team: "alpha" } }),
      expect: { ...modify, others: 201 },
    },
    {
      route: "/api/sweeps/[id]",
      method: "GET",
      prepare: async () => {
        const id = await sweepBy(users.member);
        return { url: `/api/sweeps/${id}`, params: { id } };
      },
      expect: read,
    },
    { route: "/api/sweeps/[id]/pause", method: "POST", prepare: onSweep("pause"), expect: modify },
    { route: "/api/sweeps/[id]/resume", method: "POST", prepare: onSweep("resume", "PAUSED"), expect: modify },
    { route: "/api/sweeps/[id]/cancel", method: "POST", prepare: onSweep("cancel"), expect: modify },
  );
  // The client API (/api/v1) serves the same handlers as these dashboard routes: the same gates, row for row.
  const V1_ALIASES = new Set([
    "GET /api/sweeps",
    "POST /api/sweeps",
    "GET /api/sweeps/[id]",
    "POST /api/sweeps/[id]/pause",
    "POST /api/sweeps/[id]/resume",
    "POST /api/sweeps/[id]/cancel",
    "GET /api/account",
    "GET /api/catalog",
    "GET /api/workers",
    "GET /api/queues/[queue]",
    "GET /api/runs",
    "POST /api/runs",
    "GET /api/runs/[id]",
    "POST /api/runs/[id]/cancel",
    "GET /api/runs/[id]/stream",
    "GET /api/runs/[id]/metrics",
    "GET /api/artifacts/[id]",
    "GET /api/artifacts/[id]/export",
  ]);
  for (const c of [...cases]) {
    if (!V1_ALIASES.has(`${c.method} ${c.route}`)) continue;
    cases.push({
      ...c,
      route: c.route.replace(/^\/api\//, "/api/v1/"),
      prepare: async (who) => {
        const prepared = await c.prepare(who);
        return { ...prepared, url: prepared.url.replace(/^\/api\//, "/api/v1/") };
      },
    });
  }
  /** An external run of the member's (what the SDK's init creates). */
  const externalRunBy = async (by: TestUser) =>
    (
      await app.services.runs.createExternalRun({
        projectId: alpha.projectId,
        createdById: by.userId,
        name: `script-${fresh()}`,
        config: { lr: 0.01 },
      })
    ).id;
  const onExternalRun = (suffix: string, body?: unknown) => async () => {
    const id = await externalRunBy(users.member);
    return { url: `/api/v1/runs/${id}/${suffix}`, params: { id }, ...(body === undefined ? {} : { body }) };
  };
  cases.push(
    { route: "/api/v1/openapi.json", method: "GET", prepare: simple("/api/v1/openapi.json"), expect: {} },
    { route: "/api/v1/queues", method: "GET", prepare: simple("/api/v1/queues"), expect: signedIn },
    {
      route: "/api/v1/external-runs",
      method: "POST",
      prepare: simple("/api/v1/external-runs", { team: "alpha", project: "default", config: { units: 8 } }),
      expect: { ...modify, others: 201 },
    },
    {
      route: "/api/v1/runs/[id]/points",
      method: "POST",
      prepare: onExternalRun("points", {
        batchId: "matrix-batch-0001",
        points: [{ key: "train/loss", step: 0, value: 1.5, wallTime: Date.now() }],
      }),
      expect: modify,
    },
    { route: "/api/v1/runs/[id]/heartbeat", method: "POST", prepare: onExternalRun("heartbeat"), expect: modify },
    {
      route: "/api/v1/runs/[id]/finish",
      method: "POST",
      prepare: onExternalRun("finish", { outcome: "succeeded" }),
      expect: modify,
    },
    {
      route: "/api/v1/runs/[id]/artifacts",
      method: "POST",
      prepare: async () => {
        const id = await externalRunBy(users.member);
        return { url: `/api/v1/runs/${id}/artifacts?kind=model&name=weights.json`, params: { id }, body: "[1,2,3]" };
      },
      expect: { ...modify, others: 201 },
    },
  );
  const unknownMethods = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
  for (const method of unknownMethods) {
    cases.push({ route: "/api/[...path]", method, prepare: simple("/api/no-such-route"), expect: { others: 404 } });
  }

  it("has a row for every method of every route file, and every handler declares its gate", async () => {
    const covered = new Set(cases.map((c) => `${c.method} ${c.route}`));
    const missing: string[] = [];
    for (const route of routeFiles()) {
      const served = await servedMethods(route);
      expect(Object.keys(served).length).toBeGreaterThan(0);
      for (const [method, handler] of Object.entries(served)) {
        expect(["public", "signed-in", "session"]).toContain(handler.access);
        if (!covered.has(`${method} ${route}`)) missing.push(`${method} ${route}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("answers each principal as the policy says, and a denied request changes nothing", async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const c of cases) {
      const handler = (await servedMethods(c.route))[c.method];
      if (!handler) {
        failures.push(`${c.method} ${c.route}: no handler`);
        continue;
      }
      for (const who of PRINCIPALS) {
        const { url, params, body } = await c.prepare(who);
        if (process.env.MATRIX_TRACE) console.log(`${c.method} ${url} as ${who}`);
        const before = await snapshot();
        const controller = new AbortController();
        const request = authedRequest(c.method, url, auth[who], body);
        const response = await handler.invoke(
          app.services,
          new Request(request, { signal: controller.signal }),
          params,
        );
        controller.abort(); // ends a granted live stream
        await response.body?.cancel().catch(() => undefined);
        checked++;
        const want = expected(c, who);
        if (response.status !== want)
          failures.push(`${c.method} ${url} as ${who}: ${response.status}, expected ${want}`);
        if (response.status >= 400 && (await snapshot()) !== before)
          failures.push(`${c.method} ${url} as ${who}: denied (${response.status}) but changed state`);
      }
    }
    expect(failures).toEqual([]);
    console.log(
      `[access-matrix] ${cases.length} route×method rows × ${PRINCIPALS.length} principals = ${checked} requests, all as expected`,
    );
  });

  it("lets a member change their own runs but not someone else's", async () => {
    const admins = await runBy(users.admin);
    const theirs = await handlerFor("/api/runs/[id]/cancel", "POST");
    const denied = await theirs.invoke(app.services, authedRequest("POST", `/api/runs/${admins}/cancel`, auth.member), {
      id: admins,
    });
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { error: string }).error).toMatch(/member.*run:modify-any/);
    const own = await runBy(users.member);
    const allowed = await theirs.invoke(app.services, authedRequest("POST", `/api/runs/${own}/cancel`, auth.member), {
      id: own,
    });
    expect(allowed.status).toBe(202);
  });

  it("shows workers' hosts and pids to the instance's operators only", async () => {
    await app.services.workers.register({
      id: "host-a-123-abc",
      host: "host-a",
      pid: 123,
      backend: "cpu",
      device: "cpu",
      concurrency: 1,
      queues: ["default"],
      version: "0",
    });
    const workers = await handlerFor("/api/workers", "GET");
    const asMember = (await (
      await workers.invoke(app.services, authedRequest("GET", "/api/workers", auth.member))
    ).json()) as { workers: Record<string, unknown>[] };
    expect(JSON.stringify(asMember)).not.toMatch(/host-a|123/);
    expect(asMember.workers[0]).toEqual(expect.objectContaining({ backend: "cpu", device: "cpu", state: "idle" }));
    const asOperator = (await (
      await workers.invoke(app.services, authedRequest("GET", "/api/workers", auth.owner))
    ).json()) as { workers: Record<string, unknown>[] };
    expect(asOperator.workers[0]).toEqual(expect.objectContaining({ host: "host-a", pid: 123 }));
  });
});

async function handlerFor(route: string, method: Method): Promise<RouteHandler<unknown>> {
  const handler = (await servedMethods(route))[method];
  if (!handler) throw new Error(`${method} ${route} has no handler`);
  return handler;
}
