import type { RunStreamEvent } from "@seqlab/contracts";

/** Keeps proxies from closing an idle stream: a comment line every 15 s. */
const KEEPALIVE_MS = 15_000;
/**
 * A point published just before this viewer subscribed, and not yet persisted when the snapshot was read, would
 * fall through the seam. Workers persist within 250 ms (their flush interval), so a re-read after 1 s closes it;
 * the one after 5 s covers a slow database.
 */
const CATCH_UP_DELAYS_MS = [1_000, 5_000];

/**
 * A Server-Sent Events response. `start` subscribes to live events and returns the snapshot to send first;
 * live events that arrive while the snapshot is read are queued and sent after it, and the client
 * de-duplicates by (key, step), so nothing is lost or doubled across the seam.
 */
export function sseResponse(
  request: Request,
  start: (send: (event: RunStreamEvent) => void) => Promise<{
    snapshot: RunStreamEvent[];
    stop: () => void;
    /** Re-reads what was persisted meanwhile; sent after CATCH_UP_DELAYS_MS (the client de-duplicates). */
    catchUp?: () => Promise<RunStreamEvent[]>;
  }>,
): Response {
  const encoder = new TextEncoder();
  let cleanup = () => {};
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      let open = true;
      let ready = false;
      const pending: RunStreamEvent[] = [];
      const write = (text: string) => {
        if (!open) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          open = false;
        }
      };
      const send = (event: RunStreamEvent) => {
        if (!ready) pending.push(event);
        else write(`data: ${JSON.stringify(event)}\n\n`);
      };
      write("retry: 1000\n\n");
      const { snapshot, stop, catchUp } = await start(send);
      for (const event of snapshot) write(`data: ${JSON.stringify(event)}\n\n`);
      for (const event of pending) write(`data: ${JSON.stringify(event)}\n\n`);
      ready = true;
      const keepalive = setInterval(() => write(": keepalive\n\n"), KEEPALIVE_MS);
      const catchUps = catchUp
        ? CATCH_UP_DELAYS_MS.map((delay) =>
            setTimeout(() => {
              catchUp().then(
                (events) => events.forEach((e) => write(`data: ${JSON.stringify(e)}\n\n`)),
                () => undefined,
              );
            }, delay),
          )
        : [];
      cleanup = () => {
        if (!open) return;
        open = false;
        clearInterval(keepalive);
        catchUps.forEach(clearTimeout);
        stop();
        try {
          controller.close();
        } catch {
          /* already closed by the client */
        }
      };
      request.signal.addEventListener("abort", () => cleanup());
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(stream, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    },
  });
}
