import type { Prisma } from "../generated/prisma/client";
import type { Db } from "./types";

/** What the audit log records. */
export type AuditAction =
  | "run.launch"
  /** A run trained by the user's own script, registered through the SDK. */
  | "run.track"
  | "run.cancel"
  | "run.resume"
  | "run.priority"
  | "run.edit"
  | "sweep.create"
  | "sweep.pause"
  | "sweep.resume"
  | "sweep.cancel"
  | "invitation.create"
  | "invitation.cancel"
  | "invitation.accept"
  | "member.role"
  | "member.remove"
  | "team.create"
  | "team.rename"
  | "team.transfer"
  | "project.create"
  | "apikey.create"
  | "apikey.revoke";

/** One audit entry to record. */
export interface AuditEntry {
  teamId: string | null;
  actorUserId: string | null;
  actorKeyId?: string | null;
  action: AuditAction;
  targetType: "run" | "sweep" | "invitation" | "member" | "team" | "project" | "apikey";
  targetId: string | null;
  data?: Record<string, unknown>;
}

/** An audit entry as the team's settings page shows it. */
export interface AuditEventInfo {
  id: string;
  action: string;
  actorName: string | null;
  actorKeyId: string | null;
  targetType: string;
  targetId: string | null;
  data: unknown;
  createdAt: string;
}

/** The audit log: who launched, cancelled, re-prioritised, invited, changed a role, created or revoked a key. */
export class AuditRepository {
  constructor(private readonly db: Db) {}

  async record(entry: AuditEntry): Promise<void> {
    await this.db.auditEvent.create({
      data: {
        teamId: entry.teamId,
        actorUserId: entry.actorUserId,
        actorKeyId: entry.actorKeyId ?? null,
        action: entry.action,
        targetType: entry.targetType,
        targetId: entry.targetId,
        data: entry.data as Prisma.InputJsonValue | undefined,
      },
    });
  }

  /** A team's audit log, newest first; `before` pages back by id. */
  async list(teamId: string, options: { limit?: number; before?: bigint } = {}): Promise<AuditEventInfo[]> {
    const rows = await this.db.auditEvent.findMany({
      where: { teamId, ...(options.before ? { id: { lt: options.before } } : {}) },
      orderBy: { id: "desc" },
      take: options.limit ?? 200,
    });
    const users = await this.db.user.findMany({
      where: { id: { in: rows.flatMap((r) => (r.actorUserId ? [r.actorUserId] : [])) } },
      select: { id: true, name: true },
    });
    const names = new Map(users.map((u) => [u.id, u.name]));
    return rows.map((r) => ({
      id: r.id.toString(),
      action: r.action,
      actorName: r.actorUserId ? (names.get(r.actorUserId) ?? null) : null,
      actorKeyId: r.actorKeyId,
      targetType: r.targetType,
      targetId: r.targetId,
      data: r.data,
      createdAt: r.createdAt.toISOString(),
    }));
  }
}
