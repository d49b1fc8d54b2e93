/** One Server-Sent Events message. */
export interface SseMessage {
  /** The `event:` field; "message" when the server sent none (seqlab's streams send none). */
  event: string;
  /** The `data:` lines joined by newlines. */
  data: string;
}

/**
 * An incremental parser of the text/event-stream format (WHATWG HTML, "Server-sent events"): fed text as it
 * arrives, in chunks that may split lines anywhere, it returns each message completed by a blank line. Comments
 * (`: keepalive`) and the `id:` and `retry:` fields are skipped: a reconnect here starts a new snapshot rather than
 * resuming from an id.
 */
export class SseParser {
  private buffer = "";
  private data: string[] = [];
  private event = "";

  /** Feeds text; returns the messages it completed. */
  push(text: string): SseMessage[] {
    this.buffer += text;
    const messages: SseMessage[] = [];
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer);
      // A lone \r at the end may be the first half of \r\n: wait for the next chunk to tell.
      if (!match || (match[0] === "\r" && match.index === this.buffer.length - 1)) break;
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      if (line === "") {
        if (this.data.length > 0) messages.push({ event: this.event || "message", data: this.data.join("\n") });
        this.data = [];
        this.event = "";
        continue;
      }
      if (line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? "" : line.slice(colon + 1);
      if (value.startsWith(" ")) value = value.slice(1);
      if (field === "data") this.data.push(value);
      else if (field === "event") this.event = value;
    }
    return messages;
  }
}

/** Raised by {@link readSse} when nothing, not even a keepalive, arrived for the idle timeout. */
export class SseIdleError extends Error {
  constructor(idleMs: number) {
    super(`the event stream sent nothing for ${Math.round(idleMs / 1000)} s`);
    this.name = "SseIdleError";
  }
}

/**
 * The messages of an event-stream body, as they arrive; ends when the server closes the stream. Throws
 * {@link SseIdleError} when nothing arrives for `idleMs` (a connection that died without a close looks like that).
 */
export async function* readSse(body: ReadableStream<Uint8Array>, idleMs: number): AsyncGenerator<SseMessage> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parser = new SseParser();
  try {
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const idle = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new SseIdleError(idleMs)), idleMs);
      });
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await Promise.race([reader.read(), idle]);
      } finally {
        clearTimeout(timer);
      }
      if (chunk.done) {
        yield* parser.push(decoder.decode());
        return;
      }
      yield* parser.push(decoder.decode(chunk.value, { stream: true }));
    }
  } finally {
    // Closes the connection when the caller stops early (the run finished) or the stream failed.
    await reader.cancel().catch(() => undefined);
  }
}
