import { createHash } from "node:crypto";

/**
 * How long this process trusts better-auth's verification of a key before asking it again. better-auth's
 * verification writes the key's row twice (its last use and its update time), so every request of every script
 * holding one key queued on that row's lock: ingest stalled at about half of what PostgreSQL takes. In between,
 * each request still reads the row and refuses a key revoked or expired a moment ago, on every replica; only the
 * "last used" time is refreshed at most this often.
 */
const REVERIFY_AFTER_MS = 30_000;
/** Keys remembered at most; a process serving more distinct keys than this re-verifies the oldest. */
const MAX_KEYS = 10_000;

/** The hash better-auth stores in place of a key: SHA-256, base64url without padding. */
export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("base64url");
}

/** Keys better-auth verified lately in this process: key hash to the key's id and when. */
export class VerifiedKeys {
  private readonly verified = new Map<string, { keyId: string; at: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The key id better-auth gave for `hash` within the last REVERIFY_AFTER_MS, or null. */
  recent(hash: string): string | null {
    const entry = this.verified.get(hash);
    if (!entry) return null;
    if (this.now() - entry.at > REVERIFY_AFTER_MS) {
      this.verified.delete(hash);
      return null;
    }
    return entry.keyId;
  }

  remember(hash: string, keyId: string): void {
    this.verified.delete(hash);
    if (this.verified.size >= MAX_KEYS) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(hash, { keyId, at: this.now() });
  }
}
