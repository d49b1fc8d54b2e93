import { EntityId } from "@seqlab/contracts";
import { z } from "zod";
import { runPermission } from "../access";
import { problem } from "../http";
import { defineHandler } from "../route";

const notFound = (raw: Record<string, string | string[]>) => `artifact ${JSON.stringify(raw.id ?? "")} not found`;

/** GET /api/artifacts/:id: an artifact's bytes, with its sha256 in a header so clients can verify them. */
export const downloadArtifact = defineHandler({
  access: "signed-in",
  params: z.object({ id: EntityId }),
  notFound,
  async handle({ services, principal, params }) {
    // An artifact is readable by whoever may read its run; one they may not read is "not found", like a missing one.
    const runId = await services.artifacts.artifactRun(params.id);
    if (!runId) return problem(404, notFound(params));
    const decision = await runPermission(services, principal, runId, "read");
    if (!decision.ok) {
      return problem(decision.denial.status, decision.denial.status === 404 ? notFound(params) : decision.denial.error);
    }
    const artifact = await services.artifacts.getArtifact(params.id);
    if (!artifact) return problem(404, notFound(params));
    const filename = `${artifact.runId}-${artifact.kind}-${artifact.name}.seqlab`.replace(/[^A-Za-z0-9._-]/g, "_");
    return new Response(Buffer.from(artifact.content), {
      headers: {
        "content-type": "application/octet-stream",
        "content-disposition": `attachment; filename="${filename}"`,
        "x-content-sha256": artifact.sha256,
      },
    });
  },
});
