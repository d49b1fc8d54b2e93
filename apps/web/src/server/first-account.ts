import { cookieHeaderOf } from "./http";
import { slugify } from "./slug";
import type { Services } from "./services";

/** The first account's details. */
export interface FirstAccount {
  name: string;
  email: string;
  password: string;
  teamName: string;
}

/** A team slug derived from a name, made unique with a numeric suffix. */
export async function freeTeamSlug(services: Services, name: string): Promise<string> {
  const base = slugify(name) || "team";
  for (let i = 1; ; i++) {
    const candidate = i === 1 ? base : `${base.slice(0, 58)}-${i}`;
    if (!(await services.teams.findTeamBySlug(candidate))) return candidate;
  }
}

/** Seconds the first-run lock is held: far longer than creating one account and team takes. */
const SETUP_LOCK_SECONDS = 30;

/**
 * Creates the instance's first account (its operator) and makes it the owner of the first team: the team runs were
 * launched in before accounts existed, if there is one, else a new team with a default project. Returns null when
 * an account exists already or another replica is creating it right now (a Redis lock keeps that to one).
 */
export async function createFirstAccount(
  services: Services,
  account: FirstAccount,
): Promise<{ userId: string; team: { id: string; slug: string; name: string }; cookies: Headers } | null> {
  const lock = `seqlab:${services.url.baseUrl}:setup-lock`;
  if ((await services.redis.set(lock, "1", "EX", SETUP_LOCK_SECONDS, "NX")) !== "OK") return null;
  try {
    if ((await services.teams.countUsers()) > 0) return null;
    const result = await services.auth.api.signUpEmail({
      body: { name: account.name, email: account.email, password: account.password },
      returnHeaders: true,
    });
    const userId = result.response.user.id;
    await services.teams.markInstanceAdmin(userId);
    const team = await services.teams.adoptFirstTeam(userId, {
      slug: await freeTeamSlug(services, account.teamName),
      name: account.teamName,
    });
    await services.projects.ensureProject({ teamSlug: team.slug, projectSlug: "default" });
    await services.audit.record({
      teamId: team.id,
      actorUserId: userId,
      action: "team.create",
      targetType: "team",
      targetId: team.id,
      data: { name: team.name, firstRun: true },
    });
    // A fresh sign-in: the sign-up's cookies carry a signed copy of the user from before it became the operator.
    const signedIn = await services.auth.api.signInEmail({
      body: { email: account.email, password: account.password },
      returnHeaders: true,
    });
    await services.auth.api.revokeSession({
      headers: new Headers({ cookie: cookieHeaderOf(result.headers) }),
      body: { token: result.response.token ?? "" },
    });
    return { userId, team, cookies: signedIn.headers };
  } finally {
    await services.redis.del(lock);
  }
}
