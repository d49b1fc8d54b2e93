import { ApiError, type ApiClient } from "./api-client";
import { CliStreamEvent } from "./api-schemas";
import { CliError } from "./cli-error";
import { readSse } from "./sse";

/** How to watch one run's event stream. */
export interface WatchRunStreamOptions {
  client: ApiClient;
  runId: string;
  /** The caller aborts it when it has seen enough (a terminal status, Ctrl-C); the watch then resolves. */
  signal: AbortSignal;
  /** Each event, in order. A reconnect starts with a new snapshot: the caller drops what it has seen already. */
  onEvent: (event: CliStreamEvent) => void;
  /** Called on every connection before its first event; `reconnect` is false the first time. */
  onConnect?: (reconnect: boolean) => void | Promise<void>;
  /** Called when the stream dropped, with why and the wait before the next try. */
  onDisconnect?: (reason: string, delayMs: number) => void;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  now: () => number;
  /** Waits between tries, the last repeated; default {@link RECONNECT_BACKOFF_MS}. */
  backoffMs?: readonly number[];
  /** Default {@link GIVE_UP_AFTER_MS}. */
  giveUpAfterMs?: number;
  /** Default {@link STREAM_IDLE_MS}. */
  idleMs?: number;
}

/** A restarted server is back within seconds: try soon, then back off to 5 s so a longer outage costs little. */
export const RECONNECT_BACKOFF_MS = [500, 1_000, 2_000, 4_000, 5_000] as const;
/** A server away for 10 minutes is not restarting: say so rather than show a frozen bar forever. */
export const GIVE_UP_AFTER_MS = 10 * 60_000;
/** The server sends a keepalive every 15 s; three missed mean the connection died without a close. */
export const STREAM_IDLE_MS = 45_000;

/**
 * Watches `GET /api/v1/runs/:id/stream` until `signal` aborts, reconnecting with a backoff when it drops (a
 * server restart, a proxy's timeout, a dead connection). Resolves when aborted; rejects when the server refuses
 * the stream (401, 404: trying again would answer the same) or stays unreachable for `giveUpAfterMs`. Lines that
 * are not stream events (a newer server's new event type) are skipped.
 */
export async function watchRunStream(options: WatchRunStreamOptions): Promise<void> {
  const { client, runId, signal } = options;
  const backoff = options.backoffMs ?? RECONNECT_BACKOFF_MS;
  const giveUpAfter = options.giveUpAfterMs ?? GIVE_UP_AFTER_MS;
  const path = `/api/v1/runs/${encodeURIComponent(runId)}/stream`;
  let connections = 0;
  let failures = 0;
  let failingSince: number | null = null;
  while (!signal.aborted) {
    let reason: string;
    try {
      const response = await client.open(path, { signal });
      await options.onConnect?.(connections > 0);
      connections += 1;
      failingSince = null;
      if (response.body) {
        for await (const message of readSse(response.body, options.idleMs ?? STREAM_IDLE_MS)) {
          if (signal.aborted) return;
          // A connection that delivers events is a good one: the next drop starts the backoff afresh.
          failures = 0;
          let json: unknown;
          try {
            json = JSON.parse(message.data);
          } catch {
            continue;
          }
          const event = CliStreamEvent.safeParse(json);
          if (event.success) options.onEvent(event.data);
          if (signal.aborted) return;
        }
      }
      reason = "the server closed the stream";
    } catch (error) {
      if (signal.aborted) return;
      if (error instanceof ApiError && !error.retryable) throw error;
      reason = error instanceof Error ? error.message : String(error);
    }
    failingSince ??= options.now();
    if (options.now() - failingSince >= giveUpAfter) {
      throw new CliError(`lost the live stream of run ${runId}: ${reason}`);
    }
    const delay = backoff[Math.min(failures, backoff.length - 1)]!;
    failures += 1;
    options.onDisconnect?.(reason, delay);
    await options.sleep(delay, signal);
  }
}
