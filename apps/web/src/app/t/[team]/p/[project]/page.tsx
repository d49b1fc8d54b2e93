import { Slug } from "@seqlab/contracts";
import { notFound } from "next/navigation";
import { RunsTable } from "../../../../../components/runs-table";
import { readableTeams } from "../../../../../server/access";
import { teamPage } from "../../../../../server/page-context";
import { services } from "../../../../../server/services";

export const dynamic = "force-dynamic";

/** A project's runs, live: its runs table, its sibling projects, and Launch for those who may. */
export default async function ProjectPage({ params }: { params: Promise<{ team: string; project: string }> }) {
  const { team: teamSlug, project: projectSlug } = await params;
  const ctx = await teamPage(teamSlug, `/t/${teamSlug}/p/${projectSlug}`);
  if (!Slug.safeParse(projectSlug).success) notFound();
  const s = services();
  const projects = await s.projects.listProjects(ctx.team.id);
  const project = projects.find((p) => p.slug === projectSlug);
  if (!project) notFound();
  const teams = await readableTeams(s.teams, ctx.principal);
  const runs = await s.runs.listRuns({
    teamIds: teams.map((t) => t.teamId),
    teamSlug: ctx.team.slug,
    projectSlug: project.slug,
    limit: 500,
  });
  const newRunHref = ctx.may.launch ? `/t/${ctx.team.slug}/p/${project.slug}/new` : null;
  return (
    <>
      <div className="row" style={{ justifyContent: "space-between", alignItems: "center" }}>
        <h1>
          {ctx.team.name} / {project.name}
        </h1>
        {newRunHref && (
          <a className="button" href={newRunHref} data-testid="launch-button">
            Launch a run
          </a>
        )}
      </div>
      {projects.length > 1 && (
        <p className="muted">
          Projects:{" "}
          {projects.map((p, i) => (
            <span key={p.id}>
              {i > 0 && " · "}
              {p.slug === project.slug ? (
                <strong>{p.name}</strong>
              ) : (
                <a href={`/t/${ctx.team.slug}/p/${p.slug}`}>{p.name}</a>
              )}
            </span>
          ))}
        </p>
      )}
      <RunsTable initialRuns={runs} newRunHref={newRunHref} />
    </>
  );
}
