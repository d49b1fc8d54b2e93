import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { CorruptObjectError, ObjectMissingError } from "@seqlab/artifact-store";
import { EntityId } from "@seqlab/contracts";
import {
  CheckpointExportError,
  TFJS_WEIGHTS_FILE,
  checkpointToSafetensors,
  checkpointToTfjsLayers,
} from "@seqlab/models/export";
import { z } from "zod";
import { runPermission } from "../access";
import { json, problem, readQuery } from "../http";
import type { UserPrincipal } from "../identity";
import { defineHandler } from "../route";
import type { Services } from "../services";

const notFound = (raw: Record<string, string | string[]>) => `artifact ${JSON.stringify(raw.id ?? "")} not found`;

const ArtifactParams = z.object({ id: EntityId });

type StoredArtifact = NonNullable<Awaited<ReturnType<Services["artifacts"]["openArtifact"]>>>;

/**
 * Exports convert a whole checkpoint in memory (a model's tensors are rewritten), so they are for checkpoints up
 * to this size; a larger one is downloaded as it is (streamed) and converted where it is used.
 */
const MAX_EXPORT_BYTES = 512 * 1024 * 1024;

/**
 * The artifact, when the caller may read its run; otherwise the answer. An artifact is readable by whoever may
 * read its run; one they may not read is "not found", like a missing one.
 */
async function readableArtifact(
  services: Services,
  principal: UserPrincipal,
  params: { id: string },
): Promise<{ ok: true; artifact: StoredArtifact } | { ok: false; response: Response }> {
  const runId = await services.artifacts.artifactRun(params.id);
  if (!runId) return { ok: false, response: problem(404, notFound(params)) };
  const decision = await runPermission(services, principal, runId, "read");
  if (!decision.ok) {
    const { status, error } = decision.denial;
    return { ok: false, response: problem(status, status === 404 ? notFound(params) : error) };
  }
  const artifact = await services.artifacts.openArtifact(params.id);
  if (!artifact) return { ok: false, response: problem(404, notFound(params)) };
  return { ok: true, artifact };
}

/**
 * The answer when an artifact's bytes cannot be read: its object is gone from the store (410), or no longer
 * matches its sha256 (409, like a corrupt checkpoint on resume); other errors (the store is down) propagate.
 */
function damaged(error: unknown, id: string): Response {
  if (error instanceof ObjectMissingError)
    return problem(410, `artifact ${JSON.stringify(id)}: its bytes are missing from the artifact store`);
  if (error instanceof CorruptObjectError)
    return problem(409, `artifact ${JSON.stringify(id)}: its stored bytes do not match their sha256 (corrupt)`);
  throw error;
}

/** A download's file name from its parts, safe inside a quoted Content-Disposition. */
function fileName(...parts: string[]): string {
  return parts.join("-").replace(/[^A-Za-z0-9._-]/g, "_");
}

/** GET /api/artifacts/:id: an artifact's bytes, with its sha256 in a header so clients can verify them. */
export const downloadArtifact = defineHandler({
  access: "signed-in",
  params: ArtifactParams,
  notFound,
  async handle({ services, principal, params }) {
    const read = await readableArtifact(services, principal, params);
    if (!read.ok) return read.response;
    const { artifact } = read;
    // Streamed from the store and verified on the way: a corrupt object aborts the transfer at its end, so a
    // client never receives a complete-looking file whose bytes differ from x-content-sha256.
    let stream: Readable;
    try {
      stream = await artifact.stream();
    } catch (error) {
      return damaged(error, params.id);
    }
    const body = Readable.toWeb(stream) as ReadableStream<Uint8Array>;
    return new Response(body, {
      headers: {
        "content-type": "application/octet-stream",
        "content-length": String(artifact.size),
        "content-disposition": `attachment; filename="${fileName(artifact.runId, artifact.kind, `${artifact.name}.seqlab`)}"`,
        "x-content-sha256": artifact.sha256,
      },
    });
  },
});

/**
 * A checkpoint artifact converted with `convert`, or the answer: 400 when the artifact is not a checkpoint or the
 * conversion refuses it (its CheckpointExportError names the model and why).
 */
async function exportCheckpoint<T>(
  artifact: StoredArtifact,
  id: string,
  format: string,
  convert: (bytes: Uint8Array) => T,
): Promise<{ ok: true; exported: T } | { ok: false; response: Response }> {
  if (artifact.kind !== "checkpoint") {
    const why = `artifact ${JSON.stringify(id)} is of kind "${artifact.kind}": only checkpoints export as ${format}`;
    return { ok: false, response: problem(400, why) };
  }
  if (artifact.size > MAX_EXPORT_BYTES) {
    const why = `checkpoint ${JSON.stringify(id)} is ${artifact.size} bytes: ${format} exports are converted in memory, up to ${MAX_EXPORT_BYTES / 1024 / 1024} MiB; download it (GET /api/artifacts/${id}) and convert it locally`;
    return { ok: false, response: problem(413, why) };
  }
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of await artifact.stream()) chunks.push(chunk as Buffer);
  } catch (error) {
    return { ok: false, response: damaged(error, id) };
  }
  try {
    return { ok: true, exported: convert(new Uint8Array(Buffer.concat(chunks))) };
  } catch (error) {
    if (error instanceof CheckpointExportError) return { ok: false, response: problem(400, error.message) };
    throw error;
  }
}

const ExportQuery = z.object({
  format: z.enum(["safetensors"], {
    error: 'format must be "safetensors" (the TensorFlow.js export is GET /api/artifacts/:id/tfjs/model.json)',
  }),
});

/**
 * GET /api/artifacts/:id/export?format=safetensors: a checkpoint as a .safetensors file (every tensor, weights and
 * optimiser state, under its stored name; the checkpoint's metadata in `__metadata__`). Any model.
 */
export const exportArtifact = defineHandler({
  access: "signed-in",
  params: ArtifactParams,
  notFound,
  async handle({ services, principal, request, params }) {
    const read = await readableArtifact(services, principal, params);
    if (!read.ok) return read.response;
    const query = readQuery(request, ExportQuery);
    if (!query.ok) return query.response;
    const { artifact } = read;
    const result = await exportCheckpoint(artifact, params.id, "safetensors", checkpointToSafetensors);
    if (!result.ok) return result.response;
    const { exported } = result;
    return new Response(Buffer.from(exported), {
      headers: {
        "content-type": "application/octet-stream",
        "content-disposition": `attachment; filename="${fileName(artifact.runId, `${artifact.name}.safetensors`)}"`,
        "x-content-sha256": createHash("sha256").update(exported).digest("hex"),
      },
    });
  },
});

/**
 * GET /api/artifacts/:id/tfjs/model.json: a checkpoint as a stock TensorFlow.js layers model (rnn, lstm, bilstm);
 * its weights manifest names weights.bin, which tfjs fetches beside it, so a signed-in page runs
 * `await tf.loadLayersModel("/api/artifacts/<id>/tfjs/model.json")`. Saved by a browser, the two files keep the
 * names tf.io.browserFiles matches.
 */
export const tfjsModelJson = defineHandler({
  access: "signed-in",
  params: ArtifactParams,
  notFound,
  async handle({ services, principal, params }) {
    const read = await readableArtifact(services, principal, params);
    if (!read.ok) return read.response;
    const result = await exportCheckpoint(read.artifact, params.id, "TensorFlow.js", checkpointToTfjsLayers);
    if (!result.ok) return result.response;
    return json(result.exported.modelJson, 200, { "content-disposition": 'attachment; filename="model.json"' });
  },
});

/** GET /api/artifacts/:id/tfjs/weights.bin: the weights that model.json's manifest describes, float32 in its order. */
export const tfjsWeights = defineHandler({
  access: "signed-in",
  params: ArtifactParams,
  notFound,
  async handle({ services, principal, params }) {
    const read = await readableArtifact(services, principal, params);
    if (!read.ok) return read.response;
    const result = await exportCheckpoint(read.artifact, params.id, "TensorFlow.js", checkpointToTfjsLayers);
    if (!result.ok) return result.response;
    return new Response(Buffer.from(result.exported.weightData), {
      headers: {
        "content-type": "application/octet-stream",
        "content-disposition": `attachment; filename="${TFJS_WEIGHTS_FILE}"`,
      },
    });
  },
});
