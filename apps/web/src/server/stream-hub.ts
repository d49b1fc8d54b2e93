import type { RedisClient } from "@seqlab/queue";
import { RUNS_CHANNEL, RunStreamEvent, runChannel } from "@seqlab/contracts";

type Listener = (event: RunStreamEvent) => void;

/**
 * One Redis subscriber per web process, fanned out to every open SSE connection, so a hundred viewers
 * cost one Redis connection rather than a hundred.
 */
export class StreamHub {
  private subscriber: Promise<RedisClient> | null = null;
  private connection: RedisClient | null = null;
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(private readonly connect: () => RedisClient) {}

  /**
   * The subscriber connection, once it is ready. Its first SUBSCRIBE must wait for that: ioredis sends its ready
   * check (INFO) after connecting, and a SUBSCRIBE queued before it puts the connection in subscriber mode first, so
   * the check fails ("Connection in subscriber mode, only subscriber commands may be used"). Measured: 126 of 200
   * SSE connections opened right after start lost their snapshot that way.
   */
  private ensureSubscriber(): Promise<RedisClient> {
    if (this.subscriber) return this.subscriber;
    const sub = this.connect();
    this.connection = sub;
    sub.on("message", (channel: string, message: string) => {
      const set = this.listeners.get(channel);
      if (!set) return;
      let parsed: ReturnType<typeof RunStreamEvent.safeParse>;
      try {
        parsed = RunStreamEvent.safeParse(JSON.parse(message));
      } catch {
        return;
      }
      if (!parsed.success) return;
      for (const listener of set) listener(parsed.data);
    });
    this.subscriber =
      sub.status === "ready"
        ? Promise.resolve(sub)
        : new Promise<RedisClient>((resolve) => {
            sub.once("ready", () => resolve(sub));
          });
    return this.subscriber;
  }

  /** Listens to one run (or every run's status when runId is null); resolves once Redis confirms the subscription. */
  async subscribe(runId: string | null, listener: Listener): Promise<() => void> {
    const channel = runId === null ? RUNS_CHANNEL : runChannel(runId);
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
    }
    set.add(listener);
    const sub = await this.ensureSubscriber();
    await sub.subscribe(channel);
    return () => {
      const current = this.listeners.get(channel);
      current?.delete(listener);
      if (current && current.size === 0) {
        this.listeners.delete(channel);
        sub.unsubscribe(channel).catch(() => undefined);
      }
    };
  }

  /** Drops the subscriber connection. */
  close(): void {
    this.connection?.disconnect();
    this.connection = null;
    this.subscriber = null;
  }
}
