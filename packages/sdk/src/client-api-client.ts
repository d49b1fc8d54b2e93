import {
  ArtifactUploadResponse,
  CreateExternalRunResponse,
  type ArtifactUploadQuery,
  type CreateExternalRunRequest,
  type FinishExternalRunRequest,
} from "@seqlab/contracts";
import type { z } from "zod";
import { postToSeqlab, type HttpTarget } from "./http-request";
import { TransportError } from "./transport";

/** What the server stored for an uploaded artifact. */
export type ArtifactSummary = ArtifactUploadResponse["artifact"];

/**
 * The client API's routes other than points: create an external run, heartbeat, finish, upload an artifact.
 * Errors are {@link TransportError}s, as for points; an answer that does not fit the contract's response schema
 * (a server of another version) is one too, not retryable.
 */
export class ClientApiClient {
  constructor(private readonly target: HttpTarget) {}

  /** POST /api/v1/external-runs. */
  async createExternalRun(body: CreateExternalRunRequest, timeoutMs: number): Promise<CreateExternalRunResponse> {
    const json = await postToSeqlab(this.target, { path: "/api/v1/external-runs", body: { json: body }, timeoutMs });
    return expectShape(CreateExternalRunResponse, json, "POST /api/v1/external-runs");
  }

  /** POST /api/v1/runs/:id/heartbeat: the script is alive. */
  async heartbeat(runId: string, timeoutMs: number): Promise<void> {
    await postToSeqlab(this.target, { path: `${runPath(runId)}/heartbeat`, timeoutMs });
  }

  /** POST /api/v1/runs/:id/finish. */
  async finishRun(runId: string, body: FinishExternalRunRequest, timeoutMs: number): Promise<void> {
    await postToSeqlab(this.target, { path: `${runPath(runId)}/finish`, body: { json: body }, timeoutMs });
  }

  /**
   * POST /api/v1/runs/:id/artifacts?kind=&name=&step= with the bytes as application/octet-stream: in memory, or a
   * file streamed from disk (a checkpoint of gigabytes never sits in the script's memory).
   */
  async uploadArtifact(
    runId: string,
    query: ArtifactUploadQuery,
    content: Uint8Array | { file: string; size: number },
    timeoutMs: number,
  ): Promise<ArtifactSummary> {
    const json = await postToSeqlab(this.target, {
      path: `${runPath(runId)}/artifacts`,
      query: { kind: query.kind, name: query.name, step: query.step },
      body: content instanceof Uint8Array ? { bytes: content } : content,
      timeoutMs,
    });
    return expectShape(ArtifactUploadResponse, json, "POST /api/v1/runs/:id/artifacts").artifact;
  }
}

function runPath(runId: string): string {
  return `/api/v1/runs/${encodeURIComponent(runId)}`;
}

function expectShape<T extends z.ZodType>(schema: T, json: unknown, route: string): z.infer<T> {
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const why = parsed.error.issues.map((i) => `${i.path.join(".") || "(body)"} ${i.message}`).join("; ");
  throw new TransportError(`unexpected answer from ${route}: ${why.slice(0, 300)}`, false);
}
