import { can, isReadOnly, type Permission } from "@seqlab/auth/policy";
import type { RunRepository, TeamRepository } from "@seqlab/db";
import type { Principal, UserPrincipal } from "./identity";

/** Why a request may not proceed: 401 (who are you?), 403 (you may not), 404 (nothing you can see is there). */
export interface Denial {
  status: 401 | 403 | 404;
  error: string;
}

export type Decision = { ok: true; role: string } | { ok: false; denial: Denial };

/** The 401 for a request without a valid identity. */
export function unauthenticated(principal: Principal): Denial {
  return {
    status: 401,
    error:
      principal.kind === "invalid-key"
        ? principal.reason
        : "sign in, or send an API key as 'Authorization: Bearer <key>'",
  };
}

/**
 * Whether the caller holds `permission` in the team. Someone outside the team (or a key scoped to another team) gets
 * the same 404 as for a resource that does not exist, so ids cannot be probed; a member whose role falls short, or a
 * read-only key asked to change something, gets a 403 that says why.
 */
export async function teamPermission(
  teams: TeamRepository,
  principal: Principal,
  teamId: string,
  permission: Permission,
  notFound: string,
): Promise<Decision> {
  if (principal.kind !== "user") return { ok: false, denial: unauthenticated(principal) };
  if (principal.via === "key" && principal.keyTeamId !== null && principal.keyTeamId !== teamId) {
    return { ok: false, denial: { status: 404, error: notFound } };
  }
  const role = await teams.roleOf(principal.userId, teamId);
  if (role === null) return { ok: false, denial: { status: 404, error: notFound } };
  if (principal.via === "key" && principal.readOnly && !isReadOnly(permission)) {
    return { ok: false, denial: { status: 403, error: "this API key is read-only" } };
  }
  if (!can(role, permission)) {
    return {
      ok: false,
      denial: {
        status: 403,
        error: `your role in this team (${role}) does not allow ${permission[0]}:${permission[1]}`,
      },
    };
  }
  return { ok: true, role };
}

/** The teams whose runs the caller may read: its memberships, narrowed to the key's team for a scoped key. */
export async function readableTeams(
  teams: TeamRepository,
  principal: UserPrincipal,
): Promise<{ teamId: string; slug: string; role: string }[]> {
  const mine = await teams.teamsOf(principal.userId);
  return mine
    .filter((t) => principal.via !== "key" || principal.keyTeamId === null || principal.keyTeamId === t.teamId)
    .map((t) => ({ teamId: t.teamId, slug: t.slug, role: t.role }));
}

/**
 * Whether the caller may read a run, or change it (cancel, re-prioritise, tag): members change their own runs,
 * admins and owners anyone's. A run that does not exist and one the caller cannot see answer the same 404.
 */
export async function runPermission(
  deps: { runs: RunRepository; teams: TeamRepository },
  principal: Principal,
  runId: string,
  intent: "read" | "modify",
): Promise<Decision & { teamId?: string }> {
  if (principal.kind !== "user") return { ok: false, denial: unauthenticated(principal) };
  const notFound = `run ${JSON.stringify(runId)} not found`;
  const ownership = await deps.runs.runOwnership(runId);
  if (!ownership) return { ok: false, denial: { status: 404, error: notFound } };
  const permission: Permission =
    intent === "read"
      ? ["run", "read"]
      : ownership.createdById === principal.userId
        ? ["run", "modify-own"]
        : ["run", "modify-any"];
  const decision = await teamPermission(deps.teams, principal, ownership.teamId, permission, notFound);
  return decision.ok ? { ...decision, teamId: ownership.teamId } : decision;
}
