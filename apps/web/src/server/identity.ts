import type { SeqlabAuth } from "@seqlab/auth";
import { parseKeyMetadata, type TeamRepository } from "@seqlab/db";

/** Who is asking. A request with an Authorization header is judged by its key alone, never by a cookie beside it. */
export type Principal =
  | { kind: "anonymous" }
  | { kind: "invalid-key"; reason: string }
  | {
      kind: "user";
      userId: string;
      name: string;
      email: string;
      isInstanceAdmin: boolean;
      via: "session";
    }
  | {
      kind: "user";
      userId: string;
      name: string;
      email: string;
      isInstanceAdmin: boolean;
      via: "key";
      keyId: string;
      /** The one team the key may act in; null for a key valid in all its owner's teams. */
      keyTeamId: string | null;
      readOnly: boolean;
    };

export type UserPrincipal = Extract<Principal, { kind: "user" }>;

/** Authorization values this server understands: `Bearer <key>`. */
const BEARER = /^Bearer\s+(\S+)$/i;

/** Resolves the caller from an API key (Authorization: Bearer) or, without one, from the session cookie. */
export async function resolvePrincipal(
  deps: { auth: SeqlabAuth; teams: TeamRepository },
  headers: Headers,
): Promise<Principal> {
  const authorization = headers.get("authorization");
  if (authorization !== null) {
    const match = BEARER.exec(authorization.trim());
    if (!match) return { kind: "invalid-key", reason: "the Authorization header must be 'Bearer <API key>'" };
    const result = await deps.auth.api.verifyApiKey({ body: { key: match[1]! } }).catch(() => null);
    if (!result?.valid || !result.key) {
      return { kind: "invalid-key", reason: "this API key is not valid: unknown, revoked or expired" };
    }
    const user = await deps.teams.findUser(result.key.referenceId);
    if (!user) return { kind: "invalid-key", reason: "this API key's owner no longer exists" };
    const { teamId, readOnly } = parseKeyMetadata(result.key.metadata);
    return {
      kind: "user",
      userId: user.id,
      name: user.name,
      email: user.email,
      isInstanceAdmin: user.isInstanceAdmin,
      via: "key",
      keyId: result.key.id,
      keyTeamId: teamId,
      readOnly,
    };
  }
  const session = await deps.auth.api.getSession({ headers }).catch(() => null);
  if (!session) return { kind: "anonymous" };
  const user = session.user as typeof session.user & { isInstanceAdmin?: boolean };
  return {
    kind: "user",
    userId: user.id,
    name: user.name,
    email: user.email,
    isInstanceAdmin: user.isInstanceAdmin === true,
    via: "session",
  };
}
