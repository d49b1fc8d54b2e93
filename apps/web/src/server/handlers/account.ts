import { DisplayText, EntityId, Slug } from "@seqlab/contracts";
import { z } from "zod";
import { cookieHeaderOf, json, problem, readBody, withCookiesOf } from "../http";
import { defineHandler } from "../route";
import type { Services } from "../services";
import { createFirstAccount, freeTeamSlug } from "../first-account";

const Email = z.string().trim().toLowerCase().email("must be an email address").max(254);
/** NIST 800-63B: at least 8 characters, no composition rules; 256 is a sanity cap. */
const Password = z.string().min(8, "must be at least 8 characters").max(256, "must be at most 256 characters");

const NewAccount = z.strictObject({ name: DisplayText(80), email: Email, password: Password });

/** Creates an account through better-auth (server-side, past the HTTP sign-up gate) and signs it in. */
async function createAccount(services: Services, account: z.infer<typeof NewAccount>) {
  const result = await services.auth.api.signUpEmail({ body: account, returnHeaders: true });
  return { userId: result.response.user.id, cookies: result.headers, cookie: cookieHeaderOf(result.headers) };
}

/** GET /api/setup: whether the instance still waits for its first account. */
export const getSetup = defineHandler({
  access: "public",
  async handle({ services }) {
    return json({ needed: (await services.teams.countUsers()) === 0 });
  },
});

const SetupRequest = NewAccount.extend({ teamName: DisplayText(80) });

/**
 * POST /api/setup: the first account, which becomes the instance's operator and the owner of the first team (the
 * team and runs that existed before accounts move into it). Refused (409) once any account exists.
 */
export const postSetup = defineHandler({
  access: "public",
  async handle({ services, request }) {
    const body = await readBody(request, SetupRequest);
    if (!body.ok) return body.response;
    if ((await services.teams.countUsers()) > 0) return problem(409, "this instance already has accounts: sign in");
    const created = await createFirstAccount(services, body.body);
    if (!created) return problem(409, "this instance already has accounts (or is creating its first one): sign in");
    return withCookiesOf(json({ team: created.team }, 201), created.cookies);
  },
});

const SignUpRequest = NewAccount.extend({ invitationId: EntityId.optional() });

/**
 * POST /api/account/sign-up: a new account, either through an invitation (the account joins that team with the
 * invited role) or, with SEQLAB_OPEN_SIGNUP, on its own (it gets a team of its own). Otherwise 403.
 */
export const postSignUp = defineHandler({
  access: "public",
  async handle({ services, request }) {
    const body = await readBody(request, SignUpRequest);
    if (!body.ok) return body.response;
    const { invitationId, ...account } = body.body;
    if (invitationId) {
      const invitation = await services.teams.findInvitation(invitationId);
      if (!invitation || invitation.status !== "pending" || Date.parse(invitation.expiresAt) < Date.now()) {
        return problem(404, "this invitation is not valid any more: ask for a new link");
      }
      if (invitation.email.toLowerCase() !== account.email) {
        return problem(400, "invalid request", [
          { path: "email", message: `the invitation is for ${invitation.email}` },
        ]);
      }
      const created = await createAccount(services, account);
      try {
        await services.auth.api.acceptInvitation({
          headers: new Headers({ cookie: created.cookie }),
          body: { invitationId },
        });
      } catch (error) {
        // No account without its team: the next try with the same link starts clean.
        await services.teams.deleteUser(created.userId);
        throw error;
      }
      await services.audit.record({
        teamId: invitation.teamId,
        actorUserId: created.userId,
        action: "invitation.accept",
        targetType: "invitation",
        targetId: invitationId,
        data: { email: invitation.email, role: invitation.role, newAccount: true },
      });
      return withCookiesOf(json({ team: { slug: invitation.teamSlug } }, 201), created.cookies);
    }
    if (!services.openSignup) {
      return problem(403, "sign-up is by invitation: open the invitation link an admin gave you");
    }
    const created = await createAccount(services, account);
    const team = await services.teams.createTeamFor(created.userId, {
      slug: await freeTeamSlug(services, account.name),
      name: `${account.name}'s team`,
    });
    await services.projects.ensureProject({ teamSlug: team.slug, projectSlug: "default" });
    await services.audit.record({
      teamId: team.id,
      actorUserId: created.userId,
      action: "team.create",
      targetType: "team",
      targetId: team.id,
      data: { name: team.name, openSignup: true },
    });
    return withCookiesOf(json({ team: { slug: team.slug } }, 201), created.cookies);
  },
});

/** GET /api/invitations/:id: what the invitation link page shows (the link is the secret). */
export const getInvitation = defineHandler({
  access: "public",
  params: z.object({ id: EntityId }),
  notFound: () => "invitation not found",
  async handle({ services, params }) {
    const invitation = await services.teams.findInvitation(params.id);
    if (!invitation) return problem(404, "invitation not found");
    return json({
      invitation: {
        teamName: invitation.teamName,
        teamSlug: invitation.teamSlug,
        email: invitation.email,
        role: invitation.role,
        inviterName: invitation.inviterName,
        status: invitation.status,
        expired: Date.parse(invitation.expiresAt) < Date.now(),
      },
    });
  },
});

/** POST /api/invitations/:id/accept: a signed-in user (the invited address) joins the team. */
export const acceptInvitation = defineHandler({
  access: "session",
  params: z.object({ id: EntityId }),
  notFound: () => "invitation not found",
  async handle({ services, principal, request, params }) {
    const invitation = await services.teams.findInvitation(params.id);
    if (!invitation || invitation.status !== "pending" || Date.parse(invitation.expiresAt) < Date.now()) {
      return problem(404, "this invitation is not valid any more: ask for a new link");
    }
    if (invitation.email.toLowerCase() !== principal.email.toLowerCase()) {
      return problem(403, `this invitation is for ${invitation.email}; you are signed in as ${principal.email}`);
    }
    await services.auth.api.acceptInvitation({ headers: request.headers, body: { invitationId: params.id } });
    await services.audit.record({
      teamId: invitation.teamId,
      actorUserId: principal.userId,
      action: "invitation.accept",
      targetType: "invitation",
      targetId: params.id,
      data: { email: invitation.email, role: invitation.role },
    });
    return json({ team: { slug: invitation.teamSlug } });
  },
});

/** GET /api/account: who the caller is and the teams they belong to (the header's team switcher). */
export const getAccount = defineHandler({
  access: "signed-in",
  async handle({ services, principal }) {
    const teams = await services.teams.teamsOf(principal.userId);
    return json({
      user: {
        id: principal.userId,
        name: principal.name,
        email: principal.email,
        isInstanceAdmin: principal.isInstanceAdmin,
      },
      teams: teams.map((t) => ({ slug: t.slug, name: t.name, role: t.role })),
    });
  },
});

/** GET /api/account/api-keys: the caller's own API keys (never the keys themselves). */
export const listMyKeys = defineHandler({
  access: "session",
  async handle({ services, principal }) {
    return json({ keys: await services.teams.apiKeysOf(principal.userId) });
  },
});

const NewKey = z.strictObject({
  name: DisplayText(64),
  /** The one team the key may act in; absent: all of its owner's teams. */
  team: Slug.optional(),
  readOnly: z.boolean().default(false),
  /** Days until it expires (1 to 366); absent: never. */
  expiresInDays: z.number().int().min(1).max(366).optional(),
});

/** POST /api/account/api-keys: a new key for the caller, shown once in the answer; stored only as its hash. */
export const createMyKey = defineHandler({
  access: "session",
  async handle({ services, principal, request }) {
    const body = await readBody(request, NewKey);
    if (!body.ok) return body.response;
    let teamId: string | null = null;
    if (body.body.team) {
      const team = await services.teams.findTeamBySlug(body.body.team);
      const role = team ? await services.teams.roleOf(principal.userId, team.id) : null;
      if (!team || !role) {
        return problem(400, "invalid request", [
          { path: "team", message: `you are not a member of team ${body.body.team}` },
        ]);
      }
      teamId = team.id;
    }
    const created = await services.auth.api.createApiKey({
      body: {
        name: body.body.name,
        userId: principal.userId,
        metadata: { teamId, readOnly: body.body.readOnly },
        ...(body.body.expiresInDays ? { expiresIn: body.body.expiresInDays * 24 * 60 * 60 } : {}),
      },
    });
    for (const team of await keyTeams(services, principal.userId, teamId)) {
      await services.audit.record({
        teamId: team,
        actorUserId: principal.userId,
        action: "apikey.create",
        targetType: "apikey",
        targetId: created.id,
        data: {
          name: body.body.name,
          readOnly: body.body.readOnly,
          scoped: teamId !== null,
          expiresInDays: body.body.expiresInDays ?? null,
        },
      });
    }
    return json({ key: created.key, info: await services.teams.findApiKey(created.id) }, 201);
  },
});

/**
 * The teams whose audit logs hear about a key: its team when it is scoped to one, else every team its owner is in
 * (it can act in all of them).
 */
async function keyTeams(services: Services, ownerId: string, teamId: string | null): Promise<string[]> {
  return teamId ? [teamId] : (await services.teams.teamsOf(ownerId)).map((t) => t.teamId);
}

/** Revokes a key: it stops working at once and stays listed (with its last use) as revoked. */
export async function revokeKey(services: Services, keyId: string, actor: { userId: string }) {
  const key = (await services.teams.findApiKey(keyId))!;
  await services.auth.api.updateApiKey({ body: { keyId, userId: key.userId, enabled: false } });
  for (const team of await keyTeams(services, key.userId, key.teamId)) {
    await services.audit.record({
      teamId: team,
      actorUserId: actor.userId,
      action: "apikey.revoke",
      targetType: "apikey",
      targetId: keyId,
      data: { name: key.name, owner: key.userName },
    });
  }
}

/** DELETE /api/account/api-keys/:id: revokes one of the caller's own keys. */
export const revokeMyKey = defineHandler({
  access: "session",
  params: z.object({ id: EntityId }),
  notFound: () => "API key not found",
  async handle({ services, principal, params }) {
    const key = await services.teams.findApiKey(params.id);
    if (!key || key.userId !== principal.userId) return problem(404, "API key not found");
    await revokeKey(services, key.id, principal);
    return json({ revoked: key.id });
  },
});
