import http from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** A request the fake server received. */
export interface ReceivedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
  body: string;
}

/** A route: `METHOD /path` (exact) or a pattern with the path's captures. */
export interface FakeRoute {
  method: string;
  path: string | RegExp;
  handle: (req: ReceivedRequest, res: http.ServerResponse, match: RegExpMatchArray | null) => void | Promise<void>;
}

/** Answers JSON. */
export function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: http.OutgoingHttpHeaders = {},
) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

/** Starts an event stream: write each event with {@link sseEvent}. */
export function startSse(res: http.ServerResponse): void {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  res.write("retry: 1000\n\n");
}

/** Writes one `data:` event. */
export function sseEvent(res: http.ServerResponse, event: unknown): void {
  res.write(`data: ${JSON.stringify(event)}\n\n`);
}

/**
 * A node:http server on a free port that implements the routes a test needs; any other path answers the
 * server's JSON 404. Requests are recorded.
 */
export async function startFakeServer(routes: FakeRoute[], options: { key?: string } = {}) {
  const requests: ReceivedRequest[] = [];
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://fake");
      const received: ReceivedRequest = {
        method: req.method ?? "GET",
        path: url.pathname,
        query: url.searchParams,
        authorization: req.headers.authorization,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(received);
      if (options.key !== undefined && received.authorization !== `Bearer ${options.key}`) {
        sendJson(res, 401, { error: "this API key is not valid: unknown, revoked or expired" });
        return;
      }
      for (const route of routes) {
        if (route.method !== received.method) continue;
        let match: RegExpMatchArray | null = null;
        if (typeof route.path === "string") {
          if (route.path !== url.pathname) continue;
        } else {
          match = url.pathname.match(route.path);
          if (!match) continue;
        }
        void Promise.resolve(route.handle(received, res, match)).catch((error: unknown) => {
          sendJson(res, 500, { error: String(error) });
        });
        return;
      }
      sendJson(res, 404, { error: `no API route ${received.method} ${url.pathname}` });
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    /** Drops every open connection (a server restart, as the client sees it). */
    dropConnections: () => sockets.forEach((s) => s.destroy()),
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((s) => s.destroy());
        server.close(() => resolve());
      }),
  };
}
