/** The answer of {@link StreamLimiter.open}: a release function, or the refusal to answer with. */
export type StreamSlot =
  { ok: true; release: () => void } | { ok: false; status: 429 | 503; retryAfterSeconds: number; error: string };

/** How long a refused client should wait before trying again: streams end when their runs do, or their tabs close. */
const RETRY_AFTER_SECONDS = 10;

/**
 * Caps the live streams one web process holds open: per user (a runaway tab or script) and in total (the process's
 * memory and Redis fan-out). Every SSE connection costs a socket and a listener for as long as it stays open.
 */
export class StreamLimiter {
  private total = 0;
  private readonly perUser = new Map<string, number>();

  constructor(private readonly limits: { perUser: number; total: number }) {}

  /** Reserves a slot for `userKey`; call `release` when the stream closes. */
  open(userKey: string): StreamSlot {
    if (this.total >= this.limits.total) {
      return {
        ok: false,
        status: 503,
        retryAfterSeconds: RETRY_AFTER_SECONDS,
        error: `this server has ${this.total} live streams open, its limit`,
      };
    }
    const mine = this.perUser.get(userKey) ?? 0;
    if (mine >= this.limits.perUser) {
      return {
        ok: false,
        status: 429,
        retryAfterSeconds: RETRY_AFTER_SECONDS,
        error: `you have ${mine} live streams open, the limit per user`,
      };
    }
    this.total++;
    this.perUser.set(userKey, mine + 1);
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.total--;
        const left = (this.perUser.get(userKey) ?? 1) - 1;
        if (left > 0) this.perUser.set(userKey, left);
        else this.perUser.delete(userKey);
      },
    };
  }

  /** Streams open now, for the operations endpoint and the benchmark. */
  get openCount(): number {
    return this.total;
  }
}
