import { createAccessControl } from "better-auth/plugins/access";
import { defaultStatements } from "better-auth/plugins/organization/access";
import { z } from "zod";

/**
 * What can be done in a team, as better-auth access-control statements. The organization plugin's own statements
 * (organization, member, invitation, team, ac) are kept, so its endpoints check the same roles; seqlab adds runs,
 * projects, the team's API keys and the audit log.
 */
export const statements = {
  ...defaultStatements,
  organization: ["update", "delete", "transfer"],
  project: ["create", "update", "delete"],
  run: ["read", "launch", "modify-own", "modify-any"],
  teamApiKey: ["read", "revoke"],
  audit: ["read"],
} as const;

export const accessControl = createAccessControl(statements);

/** viewer: reads everything in the team. */
const viewer = accessControl.newRole({ run: ["read"], ac: ["read"] });
/** member: also launches runs and clones, cancels, re-prioritises and edits their own. */
const member = accessControl.newRole({ run: ["read", "launch", "modify-own"], ac: ["read"] });
/** admin: also acts on anyone's runs and manages projects, members, invitations and the team's API keys. */
const admin = accessControl.newRole({
  run: ["read", "launch", "modify-own", "modify-any"],
  project: ["create", "update", "delete"],
  member: ["create", "update", "delete"],
  invitation: ["create", "cancel"],
  teamApiKey: ["read", "revoke"],
  audit: ["read"],
  organization: ["update"],
  ac: ["read"],
});
/** owner: also renames or deletes the team and transfers its ownership. */
const owner = accessControl.newRole({
  run: ["read", "launch", "modify-own", "modify-any"],
  project: ["create", "update", "delete"],
  member: ["create", "update", "delete"],
  invitation: ["create", "cancel"],
  teamApiKey: ["read", "revoke"],
  audit: ["read"],
  organization: ["update", "delete", "transfer"],
  ac: ["read"],
});

/** The roles, for better-auth's organization plugin and for {@link can}. */
export const roles = { owner, admin, member, viewer };

export const TeamRole = z.enum(["owner", "admin", "member", "viewer"]);
export type TeamRole = z.infer<typeof TeamRole>;

/** Roles from the most to the least powerful: a team always keeps one of the first. */
export const TEAM_ROLES: readonly TeamRole[] = ["owner", "admin", "member", "viewer"];

type Statements = typeof statements;
/** One permission: a resource and one of its actions, e.g. `{ run: "launch" }` written as ["run", "launch"]. */
export type Permission = { [R in keyof Statements]: [R, Statements[R][number]] }[keyof Statements];

/** Permissions that only read: what a read-only API key may still be used for. */
const READ_ONLY: ReadonlySet<string> = new Set(["run:read", "teamApiKey:read", "audit:read", "ac:read"]);

/** Whether a permission changes nothing. */
export function isReadOnly([resource, action]: Permission): boolean {
  return READ_ONLY.has(`${resource}:${action}`);
}

/** Whether `role` (a membership's role string; unknown strings grant nothing) has `permission`. */
export function can(role: string, [resource, action]: Permission): boolean {
  const parsed = TeamRole.safeParse(role);
  if (!parsed.success) return false;
  return roles[parsed.data].authorize({ [resource]: [action] } as never).success;
}
