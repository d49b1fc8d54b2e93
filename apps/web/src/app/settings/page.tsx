import { AccountKeys } from "../../components/account-keys";
import { requireSignedIn } from "../../server/page-context";
import { services } from "../../server/services";

export const dynamic = "force-dynamic";

/** The caller's account: who they are, their teams, and their API keys (for the SDK, the CLI and scripts). */
export default async function AccountPage() {
  const principal = await requireSignedIn("/settings");
  const s = services();
  const [teams, keys] = await Promise.all([s.teams.teamsOf(principal.userId), s.teams.apiKeysOf(principal.userId)]);
  return (
    <>
      <h1>Your account</h1>
      <div className="panel">
        <dl className="kv">
          <dt>Name</dt>
          <dd>{principal.name}</dd>
          <dt>Email</dt>
          <dd>{principal.email}</dd>
          <dt>Teams</dt>
          <dd>
            {teams.map((t, i) => (
              <span key={t.slug}>
                {i > 0 && ", "}
                <a href={`/t/${t.slug}`}>{t.name}</a> ({t.role})
              </span>
            ))}
          </dd>
        </dl>
      </div>
      <h2>API keys</h2>
      <AccountKeys keys={keys} teams={teams.map((t) => ({ id: t.teamId, slug: t.slug, name: t.name }))} />
    </>
  );
}
