import { EntityId, Slug } from "@seqlab/contracts";
import { notFound } from "next/navigation";
import { LaunchForm, type LaunchFormInitial } from "../../../../../../components/launch-form";
import { runPermission } from "../../../../../../server/access";
import { describeCatalog } from "../../../../../../server/catalog";
import { teamPage } from "../../../../../../server/page-context";
import { services } from "../../../../../../server/services";

export const dynamic = "force-dynamic";

/** The launch form, generated from the catalogs' zod schemas; `?from=<runId>` clones a run the viewer may read. */
export default async function NewRunPage({
  params,
  searchParams,
}: {
  params: Promise<{ team: string; project: string }>;
  searchParams: Promise<{ from?: string }>;
}) {
  const { team: teamSlug, project: projectSlug } = await params;
  const { from } = await searchParams;
  const ctx = await teamPage(teamSlug, `/t/${teamSlug}/p/${projectSlug}/new`);
  if (!Slug.safeParse(projectSlug).success) notFound();
  const s = services();
  const project = await s.projects.findProject(ctx.team.id, projectSlug);
  if (!project) notFound();
  if (!ctx.may.launch) {
    return (
      <div className="panel">
        <h1>Launch a run</h1>
        <p>
          Your role in {ctx.team.name} ({ctx.role}) does not launch runs. Ask an admin to make you a member.
        </p>
      </div>
    );
  }
  let initial: LaunchFormInitial | null = null;
  let heading = "Launch a run";
  if (from && EntityId.safeParse(from).success && (await runPermission(s, ctx.principal, from, "read")).ok) {
    const run = await s.runs.getRunDetail(from);
    // An external run's config is its script's own, not a catalog launch: there is nothing to clone from it.
    if (run?.config) {
      initial = {
        name: `${run.name}-clone`,
        ...run.config,
        priority: run.priority,
        queue: run.queueName,
        parentRunId: run.id,
      };
      heading = `Clone ${run.name}`;
    }
  }
  return (
    <>
      <h1>
        {heading}{" "}
        <span className="muted">
          in {ctx.team.name} / {project.name}
        </span>
      </h1>
      <LaunchForm catalog={describeCatalog()} initial={initial} team={ctx.team.slug} project={project.slug} />
    </>
  );
}
