import { can } from "@seqlab/auth/policy";
import { Slug } from "@seqlab/contracts";
import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { resolvePrincipal, type Principal, type UserPrincipal } from "./identity";
import { services } from "./services";

/** Who is looking at this page (server components). */
export async function currentPrincipal(): Promise<Principal> {
  return resolvePrincipal(services(), await headers());
}

/**
 * The signed-in user, or a redirect: to the first-run page while the instance has no account, else to sign-in
 * (coming back to `next` afterwards).
 */
export async function requireSignedIn(next: string): Promise<UserPrincipal> {
  const principal = await currentPrincipal();
  if (principal.kind === "user") return principal;
  if ((await services().teams.countUsers()) === 0) redirect("/setup");
  redirect(`/sign-in?next=${encodeURIComponent(next)}`);
}

/** What a team's pages need: the team, the caller's role and what that role lets them do there. */
export interface TeamPageContext {
  principal: UserPrincipal;
  team: { id: string; slug: string; name: string };
  role: string;
  may: { launch: boolean; modifyAny: boolean; manage: boolean; own: boolean };
}

/** The team named in the URL for a signed-in member of it; anyone else gets the 404 page (nothing to see there). */
export async function teamPage(teamSlug: string, next: string): Promise<TeamPageContext> {
  const principal = await requireSignedIn(next);
  if (!Slug.safeParse(teamSlug).success) notFound();
  const s = services();
  const team = await s.teams.findTeamBySlug(teamSlug);
  const role = team ? await s.teams.roleOf(principal.userId, team.id) : null;
  if (!team || !role) notFound();
  return {
    principal,
    team,
    role,
    may: {
      launch: can(role, ["run", "launch"]),
      modifyAny: can(role, ["run", "modify-any"]),
      manage: can(role, ["member", "update"]),
      own: can(role, ["organization", "delete"]),
    },
  };
}

/** The canonical URL of a run's page. */
export function runPath(run: { id: string; team: string; project: string }): string {
  return `/t/${run.team}/p/${run.project}/runs/${run.id}`;
}
