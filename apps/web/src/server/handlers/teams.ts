import { TeamRole, type Permission } from "@seqlab/auth/policy";
import { DisplayText, EntityId, Slug } from "@seqlab/contracts";
import { z } from "zod";
import { teamPermission } from "../access";
import { json, problem, readBody } from "../http";
import type { UserPrincipal } from "../identity";
import { defineHandler } from "../route";
import type { Services } from "../services";
import { slugify } from "../slug";
import { revokeKey } from "./account";

const TeamParams = z.object({ team: Slug });
const teamNotFound = (raw: Record<string, string | string[]>) => `team ${JSON.stringify(raw.team ?? "")} not found`;

/** The team named in the path, if the caller holds `permission` in it; else the denial to answer with. */
async function teamFor(
  services: Services,
  principal: UserPrincipal,
  slug: string,
  permission: Permission,
): Promise<
  { ok: true; team: { id: string; slug: string; name: string }; role: string } | { ok: false; response: Response }
> {
  const notFound = teamNotFound({ team: slug });
  const team = await services.teams.findTeamBySlug(slug);
  if (!team) return { ok: false, response: problem(404, notFound) };
  const decision = await teamPermission(services.teams, principal, team.id, permission, notFound);
  if (!decision.ok) return { ok: false, response: problem(decision.denial.status, decision.denial.error) };
  return { ok: true, team, role: decision.role };
}

/** The link an invitee opens; no mail is sent, the admin copies it. */
const invitationLink = (services: Services, id: string) => `${services.url.baseUrl}/invite/${id}`;

/** GET /api/teams: the caller's teams with their role in each. */
export const listTeams = defineHandler({
  access: "signed-in",
  async handle({ services, principal }) {
    const teams = await services.teams.teamsOf(principal.userId);
    return json({ teams: teams.map((t) => ({ slug: t.slug, name: t.name, role: t.role })) });
  },
});

const NewTeam = z.strictObject({ name: DisplayText(80), slug: Slug.optional() });

/** POST /api/teams: a new team, owned by its creator; the instance's operators create teams. */
export const createTeam = defineHandler({
  access: "session",
  async handle({ services, principal, request }) {
    if (!principal.isInstanceAdmin) return problem(403, "teams are created by the instance's operators");
    const body = await readBody(request, NewTeam);
    if (!body.ok) return body.response;
    const slug = body.body.slug ?? slugify(body.body.name);
    if (!Slug.safeParse(slug).success)
      return problem(400, "invalid request", [{ path: "slug", message: "choose a slug" }]);
    if (await services.teams.findTeamBySlug(slug)) {
      return problem(409, `a team called ${JSON.stringify(slug)} exists already`);
    }
    const created = await services.auth.api.createOrganization({
      headers: request.headers,
      body: { name: body.body.name, slug },
    });
    await services.projects.ensureProject({ teamSlug: slug, projectSlug: "default" });
    await services.audit.record({
      teamId: created!.id,
      actorUserId: principal.userId,
      action: "team.create",
      targetType: "team",
      targetId: created!.id,
      data: { name: body.body.name },
    });
    return json({ team: { slug, name: body.body.name } }, 201);
  },
});

/** GET /api/teams/:team: the team and the caller's role in it. */
export const getTeam = defineHandler({
  access: "signed-in",
  params: TeamParams,
  notFound: teamNotFound,
  async handle({ services, principal, params }) {
    const found = await teamFor(services, principal, params.team, ["run", "read"]);
    if (!found.ok) return found.response;
    return json({ team: { slug: found.team.slug, name: found.team.name }, role: found.role });
  },
});

const TeamPatch = z.strictObject({ name: DisplayText(80) });

/** PATCH /api/teams/:team `{ name }`: renames the team (admins and owners; the slug, its URL, stays). */
export const renameTeam = defineHandler({
  access: "session",
  params: TeamParams,
  notFound: teamNotFound,
  async handle({ services, principal, request, params }) {
    const found = await teamFor(services, principal, params.team, ["organization", "update"]);
    if (!found.ok) return found.response;
    const body = await readBody(request, TeamPatch);
    if (!body.ok) return body.response;
    await services.auth.api.updateOrganization({
      headers: request.headers,
      body: { organizationId: found.team.id, data: { name: body.body.name } },
    });
    await services.audit.record({
      teamId: found.team.id,
      actorUserId: principal.userId,
      action: "team.rename",
      targetType: "team",
      targetId: found.team.id,
      data: { from: found.team.name, to: body.body.name },
    });
    return json({ team: { slug: found.team.slug, name: body.body.name } });
  },
});

const Transfer = z.strictObject({ memberId: EntityId });

/** POST /api/teams/:team/transfer `{ memberId }`: an owner makes another member owner and becomes admin. */
export const transferTeam = defineHandler({
  access: "session",
  params: TeamParams,
  notFound: teamNotFound,
  async handle({ services, principal, request, params }) {
    const found = await teamFor(services, principal, params.team, ["organization", "transfer"]);
    if (!found.ok) return found.response;
    const body = await readBody(request, Transfer);
    if (!body.ok) return body.response;
    const target = await services.teams.findMember(body.body.memberId);
    if (!target || target.teamId !== found.team.id) return problem(404, "member not found");
    const me = (await services.teams.listMembers(found.team.id)).find((m) => m.userId === principal.userId)!;
    await services.auth.api.updateMemberRole({
      headers: request.headers,
      body: { memberId: target.id, role: "owner", organizationId: found.team.id },
    });
    if (target.userId !== principal.userId) {
      await services.auth.api.updateMemberRole({
        headers: request.headers,
        body: { memberId: me.id, role: "admin", organizationId: found.team.id },
      });
    }
    await services.audit.record({
      teamId: found.team.id,
      actorUserId: principal.userId,
      action: "team.transfer",
      targetType: "member",
      targetId: target.id,
      data: { to: target.userId },
    });
    return json({ ok: true });
  },
});

/** GET /api/teams/:team/members: who is in the team, with their roles (everyone in the team may see this). */
export const listMembers = defineHandler({
  access: "signed-in",
  params: TeamParams,
  notFound: teamNotFound,
  async handle({ services, principal, params }) {
    const found = await teamFor(services, principal, params.team, ["run", "read"]);
    if (!found.ok) return found.response;
    return json({ members: await services.teams.listMembers(found.team.id) });
  },
});

const MemberParams = TeamParams.extend({ member: EntityId });
const RolePatch = z.strictObject({ role: TeamRole });

/**
 * PATCH /api/teams/:team/members/:member `{ role }`: admins change roles; only owners grant or take away "owner",
 * and a team always keeps one owner (409).
 */
export const changeMemberRole = defineHandler({
  access: "session",
  params: MemberParams,
  notFound: () => "member not found",
  async handle({ services, principal, request, params }) {
    const found = await teamFor(services, principal, params.team, ["member", "update"]);
    if (!found.ok) return found.response;
    const body = await readBody(request, RolePatch);
    if (!body.ok) return body.response;
    const target = await services.teams.findMember(params.member);
    if (!target || target.teamId !== found.team.id) return problem(404, "member not found");
    if ((target.role === "owner" || body.body.role === "owner") && found.role !== "owner") {
      return problem(403, "only an owner grants or takes away the owner role");
    }
    if (
      target.role === "owner" &&
      body.body.role !== "owner" &&
      (await services.teams.countOwners(found.team.id)) <= 1
    ) {
      return problem(409, "a team keeps at least one owner: make someone else owner first");
    }
    await services.auth.api.updateMemberRole({
      headers: request.headers,
      body: { memberId: target.id, role: body.body.role, organizationId: found.team.id },
    });
    await services.audit.record({
      teamId: found.team.id,
      actorUserId: principal.userId,
      action: "member.role",
      targetType: "member",
      targetId: target.id,
      data: { user: target.userId, from: target.role, to: body.body.role },
    });
    return json({ member: { id: target.id, role: body.body.role } });
  },
});

/** DELETE /api/teams/:team/members/:member: admins remove members (owners only by owners; never the last owner). */
export const removeMember = defineHandler({
  access: "session",
  params: MemberParams,
  notFound: () => "member not found",
  async handle({ services, principal, request, params }) {
    const found = await teamFor(services, principal, params.team, ["member", "delete"]);
    if (!found.ok) return found.response;
    const target = await services.teams.findMember(params.member);
    if (!target || target.teamId !== found.team.id) return problem(404, "member not found");
    if (target.role === "owner" && found.role !== "owner") return problem(403, "only an owner removes an owner");
    if (target.role === "owner" && (await services.teams.countOwners(found.team.id)) <= 1) {
      return problem(409, "a team keeps at least one owner");
    }
    await services.auth.api.removeMember({
      headers: request.headers,
      body: { memberIdOrEmail: target.id, organizationId: found.team.id },
    });
    await services.audit.record({
      teamId: found.team.id,
      actorUserId: principal.userId,
      action: "member.remove",
      targetType: "member",
      targetId: target.id,
      data: { user: target.userId, role: target.role },
    });
    return json({ removed: target.id });
  },
});

/** GET /api/teams/:team/invitations: pending invitations with their links (admins). */
export const listInvitations = defineHandler({
  access: "session",
  params: TeamParams,
  notFound: teamNotFound,
  async handle({ services, principal, params }) {
    const found = await teamFor(services, principal, params.team, ["invitation", "create"]);
    if (!found.ok) return found.response;
    const invitations = await services.teams.listPendingInvitations(found.team.id);
    return json({ invitations: invitations.map((i) => ({ ...i, link: invitationLink(services, i.id) })) });
  },
});

const NewInvitation = z.strictObject({
  email: z.string().trim().toLowerCase().email("must be an email address").max(254),
  role: TeamRole.default("member"),
});

/** POST /api/teams/:team/invitations `{ email, role }`: an invitation and the link to hand over (admins). */
export const createInvitation = defineHandler({
  access: "session",
  params: TeamParams,
  notFound: teamNotFound,
  async handle({ services, principal, request, params }) {
    const found = await teamFor(services, principal, params.team, ["invitation", "create"]);
    if (!found.ok) return found.response;
    const body = await readBody(request, NewInvitation);
    if (!body.ok) return body.response;
    if (body.body.role === "owner" && found.role !== "owner") return problem(403, "only an owner invites owners");
    const members = await services.teams.listMembers(found.team.id);
    if (members.some((m) => m.email.toLowerCase() === body.body.email)) {
      return problem(409, `${body.body.email} is a member already`);
    }
    const invitation = await services.auth.api.createInvitation({
      headers: request.headers,
      body: { email: body.body.email, role: body.body.role, organizationId: found.team.id, resend: true },
    });
    await services.audit.record({
      teamId: found.team.id,
      actorUserId: principal.userId,
      action: "invitation.create",
      targetType: "invitation",
      targetId: invitation.id,
      data: { email: body.body.email, role: body.body.role },
    });
    return json(
      {
        invitation: {
          id: invitation.id,
          email: body.body.email,
          role: body.body.role,
          link: invitationLink(services, invitation.id),
        },
      },
      201,
    );
  },
});

/** DELETE /api/teams/:team/invitations/:invitation: cancels a pending invitation; its link stops working (admins). */
export const cancelInvitation = defineHandler({
  access: "session",
  params: TeamParams.extend({ invitation: EntityId }),
  notFound: () => "invitation not found",
  async handle({ services, principal, request, params }) {
    const found = await teamFor(services, principal, params.team, ["invitation", "cancel"]);
    if (!found.ok) return found.response;
    const invitation = await services.teams.findInvitation(params.invitation);
    if (!invitation || invitation.teamId !== found.team.id || invitation.status !== "pending") {
      return problem(404, "invitation not found");
    }
    await services.auth.api.cancelInvitation({ headers: request.headers, body: { invitationId: invitation.id } });
    await services.audit.record({
      teamId: found.team.id,
      actorUserId: principal.userId,
      action: "invitation.cancel",
      targetType: "invitation",
      targetId: invitation.id,
      data: { email: invitation.email },
    });
    return json({ cancelled: invitation.id });
  },
});

/** GET /api/teams/:team/projects: the team's projects. */
export const listProjects = defineHandler({
  access: "signed-in",
  params: TeamParams,
  notFound: teamNotFound,
  async handle({ services, principal, params }) {
    const found = await teamFor(services, principal, params.team, ["run", "read"]);
    if (!found.ok) return found.response;
    return json({ projects: await services.projects.listProjects(found.team.id) });
  },
});

const NewProject = z.strictObject({
  name: DisplayText(80),
  slug: Slug.optional(),
  description: z.string().max(2000).optional(),
});

/** POST /api/teams/:team/projects `{ name, slug? }`: a new project (admins). */
export const createProject = defineHandler({
  access: "signed-in",
  params: TeamParams,
  notFound: teamNotFound,
  async handle({ services, principal, request, params }) {
    const found = await teamFor(services, principal, params.team, ["project", "create"]);
    if (!found.ok) return found.response;
    const body = await readBody(request, NewProject);
    if (!body.ok) return body.response;
    const slug = body.body.slug ?? slugify(body.body.name);
    if (!Slug.safeParse(slug).success)
      return problem(400, "invalid request", [{ path: "slug", message: "choose a slug" }]);
    const project = await services.projects.createProject({
      teamId: found.team.id,
      slug,
      name: body.body.name,
      ...(body.body.description ? { description: body.body.description } : {}),
    });
    if (!project) return problem(409, `project ${JSON.stringify(slug)} exists already in team ${found.team.slug}`);
    await services.audit.record({
      teamId: found.team.id,
      actorUserId: principal.userId,
      actorKeyId: principal.via === "key" ? principal.keyId : null,
      action: "project.create",
      targetType: "project",
      targetId: project.id,
      data: { slug, name: body.body.name },
    });
    return json({ project }, 201);
  },
});

/** GET /api/teams/:team/api-keys: the keys scoped to the team, whoever owns them (admins). */
export const listTeamKeys = defineHandler({
  access: "session",
  params: TeamParams,
  notFound: teamNotFound,
  async handle({ services, principal, params }) {
    const found = await teamFor(services, principal, params.team, ["teamApiKey", "read"]);
    if (!found.ok) return found.response;
    return json({ keys: await services.teams.teamApiKeys(found.team.id) });
  },
});

/** DELETE /api/teams/:team/api-keys/:key: revokes a key scoped to the team (admins). */
export const revokeTeamKey = defineHandler({
  access: "session",
  params: TeamParams.extend({ key: EntityId }),
  notFound: () => "API key not found",
  async handle({ services, principal, params }) {
    const found = await teamFor(services, principal, params.team, ["teamApiKey", "revoke"]);
    if (!found.ok) return found.response;
    const key = await services.teams.findApiKey(params.key);
    if (!key || key.teamId !== found.team.id) return problem(404, "API key not found");
    await revokeKey(services, key.id, principal);
    return json({ revoked: key.id });
  },
});

/** GET /api/teams/:team/audit: who did what, newest first (admins). */
export const listAudit = defineHandler({
  access: "session",
  params: TeamParams,
  notFound: teamNotFound,
  async handle({ services, principal, params }) {
    const found = await teamFor(services, principal, params.team, ["audit", "read"]);
    if (!found.ok) return found.response;
    return json({ events: await services.audit.list(found.team.id) });
  },
});

const DeleteTeam = z.strictObject({ confirm: Slug });

/** DELETE /api/teams/:team `{ confirm: "<slug>" }`: deletes the team with its projects and runs (owners). */
export const deleteTeam = defineHandler({
  access: "session",
  params: TeamParams,
  notFound: teamNotFound,
  async handle({ services, principal, request, params }) {
    const found = await teamFor(services, principal, params.team, ["organization", "delete"]);
    if (!found.ok) return found.response;
    const body = await readBody(request, DeleteTeam);
    if (!body.ok) return body.response;
    if (body.body.confirm !== found.team.slug) {
      return problem(400, "invalid request", [
        { path: "confirm", message: `type the team's slug (${found.team.slug}) to confirm` },
      ]);
    }
    await services.auth.api.deleteOrganization({ headers: request.headers, body: { organizationId: found.team.id } });
    console.log(`[web] team ${found.team.slug} deleted by ${principal.email}`);
    return json({ deleted: found.team.slug });
  },
});
