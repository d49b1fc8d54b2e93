import { messageOf } from "./message-of";

/** How a {@link Heartbeat} reaches the server and reports trouble. */
export interface HeartbeatOptions {
  /** Time between ticks (EXTERNAL_HEARTBEAT_INTERVAL_MS in production; short in tests). */
  intervalMs: number;
  /** Sends one heartbeat; rejects when it failed. */
  send: () => Promise<void>;
  /** Told once, the first time a heartbeat fails (they are best-effort: the next tick tries again). */
  onFailure: (message: string) => void;
}

/**
 * Tells the server the script is alive, so a long silence (a slow epoch, a validation pass) never shows the run
 * crashed. A tick is skipped when a batch of points reached the server since the previous tick (a batch counts as
 * a heartbeat), so the server hears from the script at least every two intervals, well inside the four intervals
 * after which it calls the run crashed. The timer is unref()ed: it never keeps the process alive.
 */
export class Heartbeat {
  private timer: NodeJS.Timeout | null = null;
  private contactSinceTick = false;
  private inFlight = false;
  private failed = false;

  constructor(private readonly options: HeartbeatOptions) {}

  /** Starts ticking (idempotent). */
  start(): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => this.tick(), this.options.intervalMs);
    this.timer.unref();
  }

  /** A batch reached the server: the next tick need not send a heartbeat. */
  noteContact(): void {
    this.contactSinceTick = true;
  }

  /** Stops ticking; a heartbeat in flight is left to finish. */
  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** One tick: a heartbeat unless a batch went since the last tick or the previous heartbeat is still out. */
  tick(): void {
    if (this.contactSinceTick || this.inFlight) {
      this.contactSinceTick = false;
      return;
    }
    this.inFlight = true;
    let sending: Promise<void>;
    try {
      sending = this.options.send();
    } catch (error) {
      sending = Promise.reject(error);
    }
    sending
      .catch((error: unknown) => {
        if (this.failed) return;
        this.failed = true;
        this.options.onFailure(`seqlab heartbeat failed (${messageOf(error)})`);
      })
      .finally(() => {
        this.inFlight = false;
      })
      .catch(() => undefined);
  }
}
