"use client";

import { usePathname } from "next/navigation";

/** A team in the switcher. */
interface TeamItem {
  slug: string;
  name: string;
  role: string;
}

/** The team named in the current URL (`/t/<team>/...`), if any. */
function teamInPath(pathname: string): string | null {
  return /^\/t\/([^/]+)/.exec(pathname)?.[1] ?? null;
}

/** The header's navigation: the team switcher, the current team's pages, workers, account and sign-out. */
export function HeaderNav({
  user,
  teams,
}: {
  user: { name: string; email: string; isInstanceAdmin: boolean };
  teams: TeamItem[];
}) {
  const pathname = usePathname();
  const current = teams.find((t) => t.slug === teamInPath(pathname)) ?? teams[0];
  const signOut = async () => {
    await fetch("/api/auth/sign-out", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    window.location.href = "/sign-in";
  };
  return (
    <nav className="header-nav">
      {teams.length > 0 && (
        <select
          aria-label="Team"
          className="team-switcher"
          value={current?.slug ?? ""}
          onChange={(e) => (window.location.href = `/t/${e.target.value}`)}
          data-testid="team-switcher"
        >
          {teams.map((t) => (
            <option key={t.slug} value={t.slug}>
              {t.name}
            </option>
          ))}
        </select>
      )}
      {current && <a href={`/t/${current.slug}`}>Runs</a>}
      {current && <a href={`/t/${current.slug}/settings`}>Team</a>}
      <a href="/workers">Workers</a>
      <span className="spacer" />
      <a href="/settings" title={user.email}>
        {user.name}
        {user.isInstanceAdmin ? " (operator)" : ""}
      </a>
      <button className="link" onClick={() => void signOut()} data-testid="sign-out">
        Sign out
      </button>
    </nav>
  );
}
