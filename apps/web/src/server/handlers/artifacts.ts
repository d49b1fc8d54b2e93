import { createHash } from "node:crypto";
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

type StoredArtifact = NonNullable<Awaited<ReturnType<Services["artifacts"]["getArtifact"]>>>;

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
  const artifact = await services.artifacts.getArtifact(params.id);
  if (!artifact) return { ok: false, response: problem(404, notFound(params)) };
  return { ok: true, artifact };
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
    return new Response(Buffer.from(artifact.content), {
      headers: {
        "content-type": "application/octet-stream",
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
function exportCheckpoint<T>(
  artifact: StoredArtifact,
  id: string,
  format: string,
  convert: (bytes: Uint8Array) => T,
): { ok: true; exported: T } | { ok: false; response: Response } {
  if (artifact.kind !== "checkpoint") {
    const why = `artifact ${JSON.stringify(id)} is of kind "${artifact.kind}": only checkpoints export as ${format}`;
    return { ok: false, response: problem(400, why) };
  }
  try {
    return { ok: true, exported: convert(artifact.content) };
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
    const result = exportCheckpoint(artifact, params.id, "safetensors", checkpointToSafetensors);
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
    const result = exportCheckpoint(read.artifact, params.id, "TensorFlow.js", checkpointToTfjsLayers);
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
    const result = exportCheckpoint(read.artifact, params.id, "TensorFlow.js", checkpointToTfjsLayers);
    if (!result.ok) return result.response;
    return new Response(Buffer.from(result.exported.weightData), {
      headers: {
        "content-type": "application/octet-stream",
        "content-disposition": `attachment; filename="${TFJS_WEIGHTS_FILE}"`,
      },
    });
  },
});
