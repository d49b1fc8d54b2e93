import { Invitations, KeyTable, Members, ProjectCreate, TeamAdmin } from "../../../../components/team-settings";
import { teamPage } from "../../../../server/page-context";
import { services } from "../../../../server/services";

export const dynamic = "force-dynamic";

/** A team's settings: members and roles, invitations, projects, the team's API keys and its audit log. */
export default async function TeamSettingsPage({ params }: { params: Promise<{ team: string }> }) {
  const { team: slug } = await params;
  const ctx = await teamPage(slug, `/t/${slug}/settings`);
  const s = services();
  const [members, projects] = await Promise.all([
    s.teams.listMembers(ctx.team.id),
    s.projects.listProjects(ctx.team.id),
  ]);
  const [invitations, keys, audit] = ctx.may.manage
    ? await Promise.all([
        s.teams.listPendingInvitations(ctx.team.id),
        s.teams.teamApiKeys(ctx.team.id),
        s.audit.list(ctx.team.id, { limit: 200 }),
      ])
    : [[], [], []];
  return (
    <>
      <h1>
        {ctx.team.name} <span className="muted">settings · you are {ctx.role}</span>
      </h1>
      <h2>Members</h2>
      <Members
        team={ctx.team.slug}
        members={members}
        manage={ctx.may.manage}
        own={ctx.may.own}
        me={ctx.principal.userId}
      />
      <h2>Projects</h2>
      <ul>
        {projects.map((p) => (
          <li key={p.id}>
            <a href={`/t/${ctx.team.slug}/p/${p.slug}`}>{p.name}</a> <span className="muted">({p.slug})</span>
          </li>
        ))}
      </ul>
      {ctx.may.manage && <ProjectCreate team={ctx.team.slug} />}
      {ctx.may.manage && (
        <>
          <h2>Invitations</h2>
          <Invitations
            team={ctx.team.slug}
            own={ctx.may.own}
            invitations={invitations.map((i) => ({
              id: i.id,
              email: i.email,
              role: i.role,
              expiresAt: i.expiresAt,
              link: `${s.url.baseUrl}/invite/${i.id}`,
            }))}
          />
          <h2>API keys scoped to this team</h2>
          <KeyTable
            keys={keys}
            showOwner
            revokeUrl={`/api/teams/${ctx.team.slug}/api-keys/`}
            teamNames={{ [ctx.team.id]: ctx.team.name }}
          />
          <h2>Team</h2>
          <TeamAdmin team={ctx.team.slug} name={ctx.team.name} own={ctx.may.own} members={members} />
          <h2>Audit log</h2>
          {audit.length === 0 ? (
            <p className="muted">Nothing recorded yet.</p>
          ) : (
            <div className="table-scroll">
              <table className="grid" data-testid="audit-log">
                <thead>
                  <tr>
                    <th>When</th>
                    <th>Who</th>
                    <th>What</th>
                    <th>Target</th>
                    <th>Details</th>
                  </tr>
                </thead>
                <tbody>
                  {audit.map((e) => (
                    <tr key={e.id}>
                      <td>{new Date(e.createdAt).toLocaleString()}</td>
                      <td>
                        {e.actorName ?? "-"}
                        {e.actorKeyId ? " (API key)" : ""}
                      </td>
                      <td>{e.action}</td>
                      <td>
                        {e.targetType}{" "}
                        {e.targetType === "run" && e.targetId ? (
                          <a href={`/runs/${e.targetId}`}>{e.targetId}</a>
                        ) : (
                          e.targetId
                        )}
                      </td>
                      <td className="wrap">{describeAuditData(e.data)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </>
  );
}

/** "name: ci, readOnly: false": readable, and it wraps where raw JSON would run off the table. */
function describeAuditData(data: unknown): string {
  if (data === null || typeof data !== "object") return data === null || data === undefined ? "" : String(data);
  return Object.entries(data)
    .map(([key, value]) => `${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join(", ");
}
