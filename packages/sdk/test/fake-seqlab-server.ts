import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  ArtifactUploadQuery,
  CreateExternalRunRequest,
  FinishExternalRunRequest,
  PointBatchRequest,
  type MetricPoint,
  type RunSummary,
} from "@seqlab/contracts";
import type { z } from "zod";

/** The SDK's five routes, by name. */
export type Route = "create" | "points" | "heartbeat" | "finish" | "artifacts";

/**
 * A stand-in for seqlab's client API on loopback (a real HTTP server on port 0): it validates bodies with the
 * contracts' request schemas, answers like docs/api-v1.md, and records what it was sent. Each route can be made
 * to hang (never answer) or to fail with a status.
 */
export interface FakeSeqlab {
  url: string;
  apiKey: string;
  /** Projects that exist; another answers 404. */
  projects: Set<string>;
  /** Routes that never answer. */
  hang: Set<Route>;
  /** Routes that answer with this status and `{ error }`. */
  fail: Map<Route, { status: number; error: string }>;
  /** Create bodies as received (parsed). */
  created: z.output<typeof CreateExternalRunRequest>[];
  /** Batches stored, once per batch id. */
  batches: Map<string, PointBatchRequest & { runId: string }>;
  /** Points stored, once per (run, key, step) as the real server does. */
  points: Map<string, MetricPoint>;
  heartbeats: string[];
  finishes: { runId: string; body: z.output<typeof FinishExternalRunRequest> }[];
  artifacts: { runId: string; query: ArtifactUploadQuery; bytes: Buffer; contentType: string | undefined }[];
  /** Every request: method, path and auth header. */
  requests: { method: string; path: string; auth: string | undefined }[];
  /** Points of one run and key, by step order. */
  series(runId: string, key: string): MetricPoint[];
  close(): Promise<void>;
}

function summary(id: string, project: string): RunSummary {
  return {
    id,
    name: `external ${id}`,
    project,
    team: "personal",
    createdBy: { id: "u1", name: "Test" },
    status: "RUNNING",
    modelName: "external",
    datasetName: "-",
    lastStep: null,
    finalLoss: null,
    attempt: 1,
    createdAt: new Date(0).toISOString(),
    startedAt: new Date(0).toISOString(),
    finishedAt: null,
    tags: [],
    external: true,
  };
}

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, status: number, json: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(json));
}

function issues(error: z.ZodError) {
  return error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
}

/** Starts a fake seqlab that knows the project "default" and the key "sk_test". */
export async function startFakeSeqlab(): Promise<FakeSeqlab> {
  let nextId = 1;
  const finished = new Set<string>();
  const known = new Set<string>();
  const fake: FakeSeqlab = {
    url: "",
    apiKey: "sk_test",
    projects: new Set(["default"]),
    hang: new Set(),
    fail: new Map(),
    created: [],
    batches: new Map(),
    points: new Map(),
    heartbeats: [],
    finishes: [],
    artifacts: [],
    requests: [],
    series: (runId, key) =>
      [...fake.points.entries()]
        .filter(([id, p]) => id.startsWith(`${runId} `) && p.key === key)
        .map(([, p]) => p)
        .sort((a, b) => a.step - b.step),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://fake");
      const bytes = await body(req);
      fake.requests.push({ method: req.method ?? "", path: url.pathname, auth: req.headers.authorization });
      const match = /^\/api\/v1\/(?:external-runs|runs\/([^/]+)\/(points|heartbeat|finish|artifacts))$/.exec(
        url.pathname,
      );
      if (req.method !== "POST" || !match) return send(res, 404, { error: "no such route" });
      const runId = match[1];
      const route: Route = (match[2] as Route | undefined) ?? "create";
      if (fake.hang.has(route)) return; // never answers
      const failure = fake.fail.get(route);
      if (failure) return send(res, failure.status, { error: failure.error });
      if (req.headers.authorization !== `Bearer ${fake.apiKey}`) {
        return send(res, 401, { error: "the API key is unknown, revoked or expired" });
      }
      if (route !== "create" && !known.has(runId!)) return send(res, 404, { error: "run not found" });
      const json = () => JSON.parse(bytes.toString("utf8") || "null") as unknown;
      switch (route) {
        case "create": {
          const parsed = CreateExternalRunRequest.safeParse(json());
          if (!parsed.success) return send(res, 400, { error: "invalid run", issues: issues(parsed.error) });
          if (!fake.projects.has(parsed.data.project)) {
            return send(res, 404, { error: `project "${parsed.data.project}" not found` });
          }
          fake.created.push(parsed.data);
          const id = `run${nextId++}`;
          known.add(id);
          return send(res, 201, { run: summary(id, parsed.data.project), url: `/runs/${id}` });
        }
        case "points": {
          const parsed = PointBatchRequest.safeParse(json());
          if (!parsed.success) return send(res, 400, { error: "invalid batch", issues: issues(parsed.error) });
          let inserted = 0;
          if (!fake.batches.has(parsed.data.batchId)) {
            fake.batches.set(parsed.data.batchId, { ...parsed.data, runId: runId! });
            for (const p of parsed.data.points) {
              const key = `${runId} ${p.key} ${p.step}`;
              if (!fake.points.has(key)) {
                fake.points.set(key, p);
                inserted += 1;
              }
            }
          }
          return send(res, 200, { batchId: parsed.data.batchId, received: parsed.data.points.length, inserted });
        }
        case "heartbeat":
          fake.heartbeats.push(runId!);
          return send(res, 200, { status: "RUNNING" });
        case "finish": {
          const parsed = FinishExternalRunRequest.safeParse(json());
          if (!parsed.success) return send(res, 400, { error: "invalid finish", issues: issues(parsed.error) });
          if (finished.has(runId!)) return send(res, 409, { error: "the run is finished" });
          finished.add(runId!);
          fake.finishes.push({ runId: runId!, body: parsed.data });
          return send(res, 200, { run: { ...summary(runId!, "default"), status: "SUCCEEDED" } });
        }
        case "artifacts": {
          const query = ArtifactUploadQuery.safeParse(Object.fromEntries(url.searchParams));
          if (!query.success) return send(res, 400, { error: "invalid query", issues: issues(query.error) });
          fake.artifacts.push({ runId: runId!, query: query.data, bytes, contentType: req.headers["content-type"] });
          const sha256 = createHash("sha256").update(bytes).digest("hex");
          const { kind, name } = query.data;
          return send(res, 201, {
            artifact: { id: `a${fake.artifacts.length}`, kind, name, size: bytes.length, sha256 },
          });
        }
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
