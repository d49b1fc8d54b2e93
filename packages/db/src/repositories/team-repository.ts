import type { Db } from "./types";

/** A team one user belongs to, with that user's role in it. */
export interface TeamMembershipInfo {
  teamId: string;
  slug: string;
  name: string;
  role: string;
}

/** A member of a team as its settings page lists them. */
export interface MemberInfo {
  id: string;
  userId: string;
  name: string;
  email: string;
  role: string;
  createdAt: string;
}

/** An invitation as its link page and the team's settings page show it. */
export interface InvitationInfo {
  id: string;
  teamId: string;
  teamSlug: string;
  teamName: string;
  email: string;
  role: string;
  status: string;
  expiresAt: string;
  inviterName: string;
  createdAt: string;
}

/** An API key's metadata (never the key): who owns it, its scope, and when it was last used. */
export interface ApiKeyInfo {
  id: string;
  name: string | null;
  /** The first characters of the key, so its owner can recognise it. */
  start: string | null;
  userId: string;
  userName: string;
  teamId: string | null;
  readOnly: boolean;
  enabled: boolean;
  expiresAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
}

/** The team scope and read-only flag seqlab keeps in an API key's metadata (a JSON string). */
export function parseKeyMetadata(metadata: unknown): { teamId: string | null; readOnly: boolean } {
  let value = metadata;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      value = null;
    }
  }
  const m = (value ?? {}) as { teamId?: unknown; readOnly?: unknown };
  return { teamId: typeof m.teamId === "string" ? m.teamId : null, readOnly: m.readOnly === true };
}

/**
 * Teams, memberships, invitations and API keys, read for the access checks and the settings pages. Writes to them
 * go through better-auth (its organization and API-key plugins), except the first-run adoption below.
 */
export class TeamRepository {
  constructor(private readonly db: Db) {}

  /** How many accounts exist: none means the instance is waiting for its first one. */
  async countUsers(): Promise<number> {
    return this.db.user.count();
  }

  async findUser(
    userId: string,
  ): Promise<{ id: string; name: string; email: string; isInstanceAdmin: boolean } | null> {
    return this.db.user.findUnique({
      where: { id: userId },
      select: { id: true, name: true, email: true, isInstanceAdmin: true },
    });
  }

  /** Removes an account (and its sessions, memberships and keys): a sign-up that could not complete. */
  async deleteUser(userId: string): Promise<void> {
    await this.db.user.deleteMany({ where: { id: userId } });
    await this.db.apiKey.deleteMany({ where: { referenceId: userId } });
  }

  async markInstanceAdmin(userId: string): Promise<void> {
    await this.db.user.update({ where: { id: userId }, data: { isInstanceAdmin: true } });
  }

  /** The teams a user belongs to, oldest membership first. */
  async teamsOf(userId: string): Promise<TeamMembershipInfo[]> {
    const rows = await this.db.membership.findMany({
      where: { userId },
      orderBy: { createdAt: "asc" },
      select: { role: true, team: { select: { id: true, slug: true, name: true } } },
    });
    return rows.map((r) => ({ teamId: r.team.id, slug: r.team.slug, name: r.team.name, role: r.role }));
  }

  /** The user's role in the team, or null when they are not a member. */
  async roleOf(userId: string, teamId: string): Promise<string | null> {
    const m = await this.db.membership.findUnique({
      where: { teamId_userId: { teamId, userId } },
      select: { role: true },
    });
    return m?.role ?? null;
  }

  async findTeamBySlug(slug: string): Promise<{ id: string; slug: string; name: string } | null> {
    return this.db.team.findUnique({ where: { slug }, select: { id: true, slug: true, name: true } });
  }

  async findTeam(teamId: string): Promise<{ id: string; slug: string; name: string } | null> {
    return this.db.team.findUnique({ where: { id: teamId }, select: { id: true, slug: true, name: true } });
  }

  async listMembers(teamId: string): Promise<MemberInfo[]> {
    const rows = await this.db.membership.findMany({
      where: { teamId },
      orderBy: { createdAt: "asc" },
      select: { id: true, userId: true, role: true, createdAt: true, user: { select: { name: true, email: true } } },
    });
    return rows.map((r) => ({
      id: r.id,
      userId: r.userId,
      name: r.user.name,
      email: r.user.email,
      role: r.role,
      createdAt: r.createdAt.toISOString(),
    }));
  }

  async findMember(memberId: string): Promise<{ id: string; teamId: string; userId: string; role: string } | null> {
    return this.db.membership.findUnique({
      where: { id: memberId },
      select: { id: true, teamId: true, userId: true, role: true },
    });
  }

  async countOwners(teamId: string): Promise<number> {
    return this.db.membership.count({ where: { teamId, role: "owner" } });
  }

  async findInvitation(id: string): Promise<InvitationInfo | null> {
    const r = await this.db.invitation.findUnique({
      where: { id },
      include: { team: { select: { slug: true, name: true } }, inviter: { select: { name: true } } },
    });
    return r ? toInvitation(r) : null;
  }

  /** A team's invitations that are still pending, newest first. */
  async listPendingInvitations(teamId: string): Promise<InvitationInfo[]> {
    const rows = await this.db.invitation.findMany({
      where: { teamId, status: "pending" },
      orderBy: { createdAt: "desc" },
      include: { team: { select: { slug: true, name: true } }, inviter: { select: { name: true } } },
    });
    return rows.map(toInvitation);
  }

  /**
   * First run: makes `ownerUserId` the owner of the install's first team. A team created before accounts existed
   * (the default team its runs were launched in, possibly with a placeholder member) is adopted and renamed, so its
   * projects and runs move with it; otherwise a new team is created. The placeholder account is removed.
   */
  async adoptFirstTeam(
    ownerUserId: string,
    team: { slug: string; name: string },
  ): Promise<{ id: string; slug: string; name: string }> {
    return this.db.$transaction(async (tx) => {
      const legacy = await tx.team.findFirst({ orderBy: { createdAt: "asc" } });
      const adopted = legacy
        ? await tx.team.update({ where: { id: legacy.id }, data: { slug: team.slug, name: team.name } })
        : await tx.team.create({ data: { slug: team.slug, name: team.name } });
      await tx.user.deleteMany({ where: { email: "local@seqlab.invalid" } });
      await tx.membership.upsert({
        where: { teamId_userId: { teamId: adopted.id, userId: ownerUserId } },
        update: { role: "owner" },
        create: { teamId: adopted.id, userId: ownerUserId, role: "owner" },
      });
      // Runs launched before accounts existed belong to nobody: the first owner launched them.
      await tx.run.updateMany({
        where: { createdById: null, project: { teamId: adopted.id } },
        data: { createdById: ownerUserId },
      });
      return { id: adopted.id, slug: adopted.slug, name: adopted.name };
    });
  }

  /** A new team owned by `ownerUserId` (open sign-up's team of one's own). */
  async createTeamFor(
    ownerUserId: string,
    team: { slug: string; name: string },
  ): Promise<{ id: string; slug: string; name: string }> {
    const created = await this.db.team.create({
      data: { slug: team.slug, name: team.name, memberships: { create: { userId: ownerUserId, role: "owner" } } },
    });
    return { id: created.id, slug: created.slug, name: created.name };
  }

  /** A user's own API keys, newest first. */
  async apiKeysOf(userId: string): Promise<ApiKeyInfo[]> {
    const rows = await this.db.apiKey.findMany({ where: { referenceId: userId }, orderBy: { createdAt: "desc" } });
    const user = await this.db.user.findUnique({ where: { id: userId }, select: { name: true } });
    return rows.map((r) => toApiKey(r, user?.name ?? ""));
  }

  /** The API keys scoped to a team (whoever owns them), newest first: what the team's admins can see and revoke. */
  async teamApiKeys(teamId: string): Promise<ApiKeyInfo[]> {
    const ids = await this.db.$queryRaw<{ id: string }[]>`
      SELECT id FROM "ApiKey" WHERE metadata IS NOT NULL AND metadata::jsonb ->> 'teamId' = ${teamId}`;
    const rows = await this.db.apiKey.findMany({
      where: { id: { in: ids.map((r) => r.id) } },
      orderBy: { createdAt: "desc" },
    });
    const users = await this.db.user.findMany({
      where: { id: { in: rows.map((r) => r.referenceId) } },
      select: { id: true, name: true },
    });
    const names = new Map(users.map((u) => [u.id, u.name]));
    return rows.map((r) => toApiKey(r, names.get(r.referenceId) ?? ""));
  }

  /**
   * The key stored under `hash` (better-auth keeps only a hash of each key) and whether it may be used now: enabled
   * and unexpired. A read only, for requests between better-auth's own verifications, which write the row.
   */
  async findApiKeyByHash(
    hash: string,
  ): Promise<{ id: string; userId: string; metadata: string | null; usable: boolean } | null> {
    const r = await this.db.apiKey.findFirst({
      where: { key: hash },
      select: { id: true, referenceId: true, metadata: true, enabled: true, expiresAt: true },
    });
    if (!r) return null;
    const usable = r.enabled !== false && (r.expiresAt === null || r.expiresAt.getTime() > Date.now());
    return { id: r.id, userId: r.referenceId, metadata: r.metadata, usable };
  }

  async findApiKey(id: string): Promise<ApiKeyInfo | null> {
    const r = await this.db.apiKey.findUnique({ where: { id } });
    if (!r) return null;
    const user = await this.db.user.findUnique({ where: { id: r.referenceId }, select: { name: true } });
    return toApiKey(r, user?.name ?? "");
  }
}

function toInvitation(r: {
  id: string;
  teamId: string;
  email: string;
  role: string | null;
  status: string;
  expiresAt: Date;
  createdAt: Date;
  team: { slug: string; name: string };
  inviter: { name: string };
}): InvitationInfo {
  return {
    id: r.id,
    teamId: r.teamId,
    teamSlug: r.team.slug,
    teamName: r.team.name,
    email: r.email,
    role: r.role ?? "member",
    status: r.status,
    expiresAt: r.expiresAt.toISOString(),
    inviterName: r.inviter.name,
    createdAt: r.createdAt.toISOString(),
  };
}

function toApiKey(
  r: {
    id: string;
    name: string | null;
    start: string | null;
    referenceId: string;
    enabled: boolean | null;
    expiresAt: Date | null;
    lastRequest: Date | null;
    createdAt: Date;
    metadata: string | null;
  },
  userName: string,
): ApiKeyInfo {
  const { teamId, readOnly } = parseKeyMetadata(r.metadata);
  return {
    id: r.id,
    name: r.name,
    start: r.start,
    userId: r.referenceId,
    userName,
    teamId,
    readOnly,
    enabled: r.enabled !== false,
    expiresAt: r.expiresAt?.toISOString() ?? null,
    lastUsedAt: r.lastRequest?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
  };
}
