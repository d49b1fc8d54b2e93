import { services } from "../../../../server/services";
import { problem } from "../../../../server/http";

export const dynamic = "force-dynamic";

/** Downloads an artifact's bytes, with its sha256 in a header so clients can verify them. */
export async function GET(_request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await context.params;
  const artifact = await services().artifacts.getArtifact(id);
  if (!artifact) return problem(404, `artifact ${id} not found`);
  const filename = `${artifact.runId}-${artifact.kind}-${artifact.name}.seqlab`.replace(/[^A-Za-z0-9._-]/g, "_");
  return new Response(Buffer.from(artifact.content), {
    headers: {
      "content-type": "application/octet-stream",
      "content-disposition": `attachment; filename="${filename}"`,
      "x-content-sha256": artifact.sha256,
    },
  });
}
