import { EntityId } from "@seqlab/contracts";
import { notFound, redirect } from "next/navigation";
import { runPermission } from "../../../server/access";
import { requireSignedIn, runPath } from "../../../server/page-context";
import { services } from "../../../server/services";

export const dynamic = "force-dynamic";

/** Links from before teams (`/runs/<id>`): on to the run's page under its team and project, if the viewer may see it. */
export default async function LegacyRunPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const principal = await requireSignedIn(`/runs/${id}`);
  if (!EntityId.safeParse(id).success) notFound();
  const s = services();
  if (!(await runPermission(s, principal, id, "read")).ok) notFound();
  const run = await s.runs.getRunDetail(id);
  if (!run) notFound();
  redirect(runPath(run));
}
