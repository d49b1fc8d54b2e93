import { can } from "@seqlab/auth/policy";
import { EntityId } from "@seqlab/contracts";
import { notFound, redirect } from "next/navigation";
import { RunView } from "../../../../../../../components/run-view";
import { teamPage, runPath } from "../../../../../../../server/page-context";
import { services } from "../../../../../../../server/services";

export const dynamic = "force-dynamic";

/** A run's page, live. A run of another project of the team moves to its own URL. */
export default async function RunPage({ params }: { params: Promise<{ team: string; project: string; id: string }> }) {
  const { team: teamSlug, project: projectSlug, id } = await params;
  const ctx = await teamPage(teamSlug, `/t/${teamSlug}/p/${projectSlug}/runs/${id}`);
  if (!EntityId.safeParse(id).success) notFound();
  const s = services();
  const ownership = await s.runs.runOwnership(id);
  if (!ownership || ownership.teamId !== ctx.team.id) notFound();
  const run = await s.runService.detail(id);
  if (!run) notFound();
  if (run.project !== projectSlug) redirect(runPath(run));
  const own = ownership.createdById === ctx.principal.userId;
  const mayModify = can(ctx.role, own ? ["run", "modify-own"] : ["run", "modify-any"]);
  return <RunView initialRun={run} mayModify={mayModify} mayLaunch={ctx.may.launch} />;
}
