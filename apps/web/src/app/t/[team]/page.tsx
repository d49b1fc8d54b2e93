import { redirect } from "next/navigation";
import { ProjectCreate } from "../../../components/team-settings";
import { teamPage } from "../../../server/page-context";
import { services } from "../../../server/services";

export const dynamic = "force-dynamic";

/** A team's front page: its first project's runs, or the way to create one. */
export default async function TeamPage({ params }: { params: Promise<{ team: string }> }) {
  const { team: slug } = await params;
  const ctx = await teamPage(slug, `/t/${slug}`);
  const [first] = await services().projects.listProjects(ctx.team.id);
  if (first) redirect(`/t/${ctx.team.slug}/p/${first.slug}`);
  return (
    <>
      <h1>{ctx.team.name}</h1>
      <div className="panel">
        <p>This team has no project yet.</p>
        {ctx.may.manage ? (
          <ProjectCreate team={ctx.team.slug} />
        ) : (
          <p className="muted">An admin of the team creates projects.</p>
        )}
      </div>
    </>
  );
}
