import { can } from "@seqlab/auth/policy";
import { EntityId } from "@seqlab/contracts";
import { notFound, redirect } from "next/navigation";
import { SweepView } from "../../../../../../../components/sweep-view";
import { sweepPath } from "../../../../../../../lib/sweep-paths";
import { teamPage } from "../../../../../../../server/page-context";
import { services } from "../../../../../../../server/services";
import { loadSweepDetail } from "../../../../../../../server/sweeps/sweep-views";

export const dynamic = "force-dynamic";

/**
 * A sweep's page, live. Only members of the sweep's team see it (anyone else gets the 404 page); a sweep of another
 * project of the team moves to its own URL. Pause, resume and cancel show for those the API lets change it: its
 * creator as a member, anyone as an admin (the run permissions, as for a run's cancel).
 */
export default async function SweepPage({
  params,
}: {
  params: Promise<{ team: string; project: string; id: string }>;
}) {
  const { team: teamSlug, project: projectSlug, id } = await params;
  const ctx = await teamPage(teamSlug, `/t/${teamSlug}/p/${projectSlug}/sweeps/${id}`);
  if (!EntityId.safeParse(id).success) notFound();
  const s = services();
  const row = await s.sweeps.findSweep(id);
  if (!row || row.teamId !== ctx.team.id) notFound();
  const sweep = await loadSweepDetail(s, id);
  if (!sweep) notFound();
  if (sweep.project !== projectSlug) redirect(sweepPath(sweep, sweep.id));
  const own = row.createdById === ctx.principal.userId;
  const mayControl = can(ctx.role, own ? ["run", "modify-own"] : ["run", "modify-any"]);
  return <SweepView initialSweep={sweep} mayControl={mayControl} />;
}
