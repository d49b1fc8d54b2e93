import {
  ArtifactUploadQuery,
  ArtifactUploadResponse,
  CreateExternalRunRequest,
  CreateExternalRunResponse,
  FinishExternalRunRequest,
  HeartbeatResponse,
  LaunchRunRequest,
  PointBatchRequest,
  PointBatchResponse,
  RunDetail,
  RunRow,
  RunStreamEvent,
  RunSummary,
} from "@seqlab/contracts";
import { z } from "zod";

/** One operation of the client API, described by the zod schemas the server validates it with. */
interface Operation {
  method: "get" | "post";
  path: string;
  summary: string;
  /** A JSON body; `binary` for raw bytes (artifact uploads). */
  body?: z.ZodType | "binary";
  query?: Record<string, { schema: z.ZodType; description: string }>;
  /** The success status and its JSON body (`binary` for a file, `sse` for an event stream). */
  response: { status: number; schema: z.ZodType | "binary" | "sse"; description: string };
}

const RunId = { name: "id", in: "path", required: true, schema: { type: "string", pattern: "^[a-z0-9]{1,64}$" } };

const Problem = z.object({
  error: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

const Account = z.object({
  user: z.object({ id: z.string(), name: z.string(), email: z.string(), isInstanceAdmin: z.boolean() }),
  teams: z.array(z.object({ slug: z.string(), name: z.string(), role: z.string() })),
});

const Queue = z.object({
  name: z.string(),
  waiting: z.number().int(),
  running: z.number().int(),
  workers: z.number().int(),
});

const Worker = z.object({
  id: z.string().optional(),
  name: z.string().optional(),
  host: z.string().optional(),
  backend: z.string(),
  device: z.string(),
  queues: z.array(z.string()),
  concurrency: z.number().int(),
  state: z.enum(["idle", "busy", "lost", "stopped"]),
  lastHeartbeat: z.string(),
  currentRunId: z.string().nullable().optional(),
});

const text = (description: string) => ({ schema: z.string(), description });

/** Every operation of /api/v1, in the order the document lists them. */
const OPERATIONS: Operation[] = [
  {
    method: "post",
    path: "/api/v1/external-runs",
    summary: "Start tracking a run trained by your own script (the SDK's init)",
    body: CreateExternalRunRequest,
    response: { status: 201, schema: CreateExternalRunResponse, description: "The run, RUNNING and external" },
  },
  {
    method: "post",
    path: "/api/v1/runs/{id}/points",
    summary: "Log a batch of metric points (idempotent: a point is stored once per run, key and step)",
    body: PointBatchRequest,
    response: { status: 200, schema: PointBatchResponse, description: "How many were new" },
  },
  {
    method: "post",
    path: "/api/v1/runs/{id}/heartbeat",
    summary: "Say the script is alive (a run silent for 60 s shows CRASHED)",
    response: { status: 200, schema: HeartbeatResponse, description: "The run's status" },
  },
  {
    method: "post",
    path: "/api/v1/runs/{id}/finish",
    summary: "End an external run",
    body: FinishExternalRunRequest,
    response: { status: 200, schema: z.object({ run: RunDetail }), description: "The finished run" },
  },
  {
    method: "post",
    path: "/api/v1/runs/{id}/artifacts",
    summary: "Upload an artifact of an external run (the bytes as the body, at most 5 GiB)",
    body: "binary",
    query: {
      kind: { schema: ArtifactUploadQuery.shape.kind, description: "e.g. checkpoint, model, media" },
      name: {
        schema: ArtifactUploadQuery.shape.name,
        description: "Unique within the kind; uploading it again replaces it",
      },
      step: { schema: z.number().int().min(0), description: "The training step it was taken at" },
    },
    response: { status: 201, schema: ArtifactUploadResponse, description: "The stored artifact and its sha256" },
  },
  {
    method: "get",
    path: "/api/v1/account",
    summary: "Who the key belongs to, and their teams",
    response: { status: 200, schema: Account, description: "The caller" },
  },
  {
    method: "get",
    path: "/api/v1/catalog",
    summary: "Models, datasets and training settings, as JSON Schemas with defaults",
    response: { status: 200, schema: z.record(z.string(), z.unknown()), description: "The catalog" },
  },
  {
    method: "post",
    path: "/api/v1/runs",
    summary: "Launch a run on the queue (trained by seqlab's workers)",
    body: LaunchRunRequest,
    response: {
      status: 201,
      schema: z.object({ run: RunSummary, warnings: z.array(z.string()) }),
      description: "The queued run",
    },
  },
  {
    method: "get",
    path: "/api/v1/runs",
    summary: "The runs table: filter, sort, columns, pages",
    query: {
      team: text("A team's slug"),
      project: text("A project's slug"),
      filter: text("A filter expression, e.g. `status = RUNNING AND summary.train/loss.last < 0.1`"),
      sort: text("Comma-separated fields, `-` first for descending"),
      columns: text("Extra fields to return, comma-separated"),
      limit: { schema: z.number().int().min(1).max(1000), description: "Rows per page (default 200)" },
      offset: { schema: z.number().int().min(0), description: "Rows to skip" },
    },
    response: {
      status: 200,
      schema: z.object({ runs: z.array(RunRow), total: z.number().int(), offset: z.number().int() }),
      description: "A page of runs",
    },
  },
  {
    method: "get",
    path: "/api/v1/runs/{id}",
    summary: "A run's details: config, attempts, artifacts with sha256, log",
    response: { status: 200, schema: z.object({ run: RunDetail }), description: "The run" },
  },
  {
    method: "post",
    path: "/api/v1/runs/{id}/cancel",
    summary: "Cancel a queued or running run (not an external one)",
    response: {
      status: 202,
      schema: z.object({ outcome: z.enum(["cancelled", "requested"]) }),
      description: "Cancelled at once, or requested of its worker",
    },
  },
  {
    method: "get",
    path: "/api/v1/runs/{id}/stream",
    summary: "Live events (Server-Sent Events): a status and series snapshot, then metrics, status and log events",
    response: { status: 200, schema: "sse", description: "text/event-stream; each `data:` line is a RunStreamEvent" },
  },
  {
    method: "get",
    path: "/api/v1/runs/{id}/metrics",
    summary: "Every stored point of a run, streamed",
    query: {
      keys: text("Comma-separated metric keys (default every key)"),
      format: { schema: z.enum(["json", "csv"]), description: "json (default) or csv" },
    },
    response: { status: 200, schema: "binary", description: '{"points":[...]} or CSV key,step,value,wall_time' },
  },
  {
    method: "get",
    path: "/api/v1/artifacts/{id}",
    summary: "An artifact's bytes (header x-content-sha256)",
    response: { status: 200, schema: "binary", description: "The bytes" },
  },
  {
    method: "get",
    path: "/api/v1/artifacts/{id}/export",
    summary: "A checkpoint as safetensors (header x-content-sha256)",
    query: { format: { schema: z.enum(["safetensors"]), description: "safetensors" } },
    response: { status: 200, schema: "binary", description: "The .safetensors file" },
  },
  {
    method: "get",
    path: "/api/v1/workers",
    summary: "Registered workers and their state",
    response: { status: 200, schema: z.object({ workers: z.array(Worker) }), description: "Workers" },
  },
  {
    method: "get",
    path: "/api/v1/queues",
    summary: "Queues with their waiting and running runs and live workers",
    response: { status: 200, schema: z.object({ queues: z.array(Queue) }), description: "Queues" },
  },
  {
    method: "get",
    path: "/api/v1/queues/{queue}",
    summary: "The runs waiting in one queue, next first",
    response: {
      status: 200,
      schema: z.object({
        queue: z.string(),
        total: z.number().int(),
        waiting: z.array(z.object({ runId: z.string(), position: z.number().int() })),
      }),
      description: "The queue's order",
    },
  },
];

/** A zod schema as JSON Schema for OpenAPI 3.1 (which uses JSON Schema 2020-12); request bodies as their input. */
function jsonSchema(schema: z.ZodType, io: "input" | "output"): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: "any",
    target: "draft-2020-12",
  });
  return rest;
}

function errorResponses() {
  const content = { "application/json": { schema: jsonSchema(Problem, "output") } };
  return {
    "400": { description: "Bad input: `error` says what, `issues` names each bad field", content },
    "401": { description: "No valid API key or session", content },
    "403": { description: "Your role or key does not allow it", content },
    "404": { description: "Not found (or not visible to you)", content },
    "409": { description: "Not in a state that allows it", content },
  };
}

/** The OpenAPI 3.1 document of /api/v1, generated from the contracts' zod schemas. */
export function openApiDocument(serverUrl: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    const parameters: unknown[] = [];
    if (op.path.includes("{id}")) parameters.push(RunId);
    if (op.path.includes("{queue}"))
      parameters.push({ name: "queue", in: "path", required: true, schema: { type: "string" } });
    for (const [name, q] of Object.entries(op.query ?? {})) {
      parameters.push({
        name,
        in: "query",
        required: false,
        description: q.description,
        schema: jsonSchema(q.schema, "input"),
      });
    }
    const { status, schema, description } = op.response;
    const content =
      schema === "binary"
        ? { "application/octet-stream": { schema: { type: "string", format: "binary" } } }
        : schema === "sse"
          ? {
              "text/event-stream": {
                schema: { type: "string" },
                "x-event-schema": jsonSchema(RunStreamEvent, "output"),
              },
            }
          : { "application/json": { schema: jsonSchema(schema, "output") } };
    paths[op.path] ??= {};
    paths[op.path]![op.method] = {
      summary: op.summary,
      operationId: `${op.method}${op.path
        .replace(/^\/api\/v1/, "")
        .replace(/[{}]/g, "")
        .replace(/[/.-](\w)/g, (_m, c: string) => c.toUpperCase())}`,
      ...(parameters.length ? { parameters } : {}),
      ...(op.body
        ? {
            requestBody: {
              required: true,
              content:
                op.body === "binary"
                  ? { "application/octet-stream": { schema: { type: "string", format: "binary" } } }
                  : { "application/json": { schema: jsonSchema(op.body, "input") } },
            },
          }
        : {}),
      responses: { [String(status)]: { description, content }, ...errorResponses() },
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "seqlab client API",
      version: "1",
      description:
        "What the seqlab SDK and CLI speak. Authenticate with an API key (Settings → API keys) as a bearer token.",
    },
    servers: [{ url: serverUrl }],
    security: [{ apiKey: [] }],
    components: { securitySchemes: { apiKey: { type: "http", scheme: "bearer" } } },
    paths,
  };
}
