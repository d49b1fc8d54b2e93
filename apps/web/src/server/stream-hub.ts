import type { Redis } from "ioredis";
import { RUNS_CHANNEL, RunStreamEvent, runChannel } from "@seqlab/contracts";

type Listener = (event: RunStreamEvent) => void;

/**
 * One Redis subscriber per web process, fanned out to every open SSE connection, so a hundred viewers
 * cost one Redis connection rather than a hundred.
 */
export class StreamHub {
  private subscriber: Redis | null = null;
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(private readonly connect: () => Redis) {}

  private ensureSubscriber(): Redis {
    if (this.subscriber) return this.subscriber;
    const sub = this.connect();
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
    this.subscriber = sub;
    return sub;
  }

  /** Listens to one run (or every run's status when runId is null); resolves once Redis confirms the subscription. */
  async subscribe(runId: string | null, listener: Listener): Promise<() => void> {
    const channel = runId === null ? RUNS_CHANNEL : runChannel(runId);
    const sub = this.ensureSubscriber();
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
    }
    set.add(listener);
    await sub.subscribe(channel);
    return () => {
      const current = this.listeners.get(channel);
      current?.delete(listener);
      if (current && current.size === 0) {
        this.listeners.delete(channel);
        void sub.unsubscribe(channel).catch(() => undefined);
      }
    };
  }
}
