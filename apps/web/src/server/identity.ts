import type { SeqlabAuth } from "@seqlab/auth";
import { parseKeyMetadata, type TeamRepository } from "@seqlab/db";
import { hashApiKey, type VerifiedKeys } from "./verified-keys";

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
  deps: { auth: SeqlabAuth; teams: TeamRepository; verifiedKeys?: VerifiedKeys },
  headers: Headers,
): Promise<Principal> {
  const authorization = headers.get("authorization");
  if (authorization !== null) {
    const match = BEARER.exec(authorization.trim());
    if (!match) return { kind: "invalid-key", reason: "the Authorization header must be 'Bearer <API key>'" };
    const secret = match[1]!;
    const hash = hashApiKey(secret);
    let key: { id: string; userId: string; metadata: unknown } | null = null;
    const recent = deps.verifiedKeys?.recent(hash);
    if (recent) {
      // Verified lately: a read of the row still refuses it once revoked or expired.
      const row = await deps.teams.findApiKeyByHash(hash);
      if (row?.id === recent && row.usable) key = row;
    }
    if (!key) {
      const result = await deps.auth.api.verifyApiKey({ body: { key: secret } }).catch(() => null);
      if (!result?.valid || !result.key) {
        return { kind: "invalid-key", reason: "this API key is not valid: unknown, revoked or expired" };
      }
      key = { id: result.key.id, userId: result.key.referenceId, metadata: result.key.metadata };
      deps.verifiedKeys?.remember(hash, key.id);
    }
    const user = await deps.teams.findUser(key.userId);
    if (!user) return { kind: "invalid-key", reason: "this API key's owner no longer exists" };
    const { teamId, readOnly } = parseKeyMetadata(key.metadata);
    return {
      kind: "user",
      userId: user.id,
      name: user.name,
      email: user.email,
      isInstanceAdmin: user.isInstanceAdmin,
      via: "key",
      keyId: key.id,
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
