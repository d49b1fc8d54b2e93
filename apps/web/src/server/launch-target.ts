import { readableTeams, teamPermission } from "./access";
import { json, problem } from "./http";
import type { UserPrincipal } from "./identity";
import type { Services } from "./services";

/**
 * Where a new run goes, checked the same way for a queued launch and for an external run: the team asked for (or
 * the caller's only one), the caller's right to launch there, the project, and the per-user launch rate. `invalid`
 * words the 400 when the team is ambiguous; `noun` the 429 ("launches", "new runs").
 */
export async function resolveLaunchTarget(
  services: Services,
  principal: UserPrincipal,
  asked: { team: string | undefined; project: string },
  wording: { invalid: string; noun: string },
): Promise<
  | { ok: true; team: { id: string; slug: string }; project: { id: string; slug: string } }
  | { ok: false; response: Response }
> {
  const mine = await readableTeams(services.teams, principal);
  const teamSlug = asked.team ?? (mine.length === 1 ? mine[0]!.slug : undefined);
  if (!teamSlug) {
    return {
      ok: false,
      response: problem(400, wording.invalid, [
        {
          path: "team",
          message: `you belong to ${mine.length} teams: say which one (${mine.map((t) => t.slug).join(", ")})`,
        },
      ]),
    };
  }
  const team = await services.teams.findTeamBySlug(teamSlug);
  const teamNotFound = `team ${JSON.stringify(teamSlug)} not found`;
  if (!team) return { ok: false, response: problem(404, teamNotFound) };
  const decision = await teamPermission(services.teams, principal, team.id, ["run", "launch"], teamNotFound);
  if (!decision.ok) return { ok: false, response: problem(decision.denial.status, decision.denial.error) };
  const project = await services.projects.findProject(team.id, asked.project);
  if (!project) {
    const why = `project ${JSON.stringify(asked.project)} not found in team ${team.slug} (an admin creates projects)`;
    return { ok: false, response: problem(404, why) };
  }
  const limited = await services.rateLimiter.hit(`launch:${principal.userId}`, services.limits.launchesPerMinute, 60);
  if (!limited.allowed) {
    return {
      ok: false,
      response: json(
        {
          error: `at most ${services.limits.launchesPerMinute} ${wording.noun} per minute: try again in ${limited.retryAfterSeconds} s`,
        },
        429,
        { "retry-after": String(limited.retryAfterSeconds) },
      ),
    };
  }
  return { ok: true, team, project };
}
