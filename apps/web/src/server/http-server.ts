import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import next from "next";

/**
 * Methods the WHATWG Request cannot represent (Next would fail building one and answer 500): refused here, before
 * Next sees them. Everything else reaches proxy.ts and the routes.
 */
const FORBIDDEN_METHODS = new Set(["TRACE", "TRACK", "CONNECT"]);

function refuseMethod(req: IncomingMessage, res: ServerResponse): void {
  const body = JSON.stringify({ error: `method ${req.method} is not allowed` });
  res.writeHead(405, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    allow: "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS",
  });
  res.end(body);
}

/** Options of {@link startWebServer}. */
export interface WebServerOptions {
  /** The Next app's folder (apps/web), holding its production build in .next. */
  dir: string;
  host: string;
  port: number;
}

/** Serves the built dashboard (next start's job) behind a thin Node layer; resolves once it listens. */
export async function startWebServer(options: WebServerOptions): Promise<Server> {
  const app = next({ dev: false, dir: options.dir, hostname: options.host, port: options.port });
  const handle = app.getRequestHandler();
  await app.prepare();
  const server = createServer((req, res) => {
    if (FORBIDDEN_METHODS.has((req.method ?? "").toUpperCase())) return refuseMethod(req, res);
    handle(req, res).catch((error: unknown) => {
      console.error("[web] request failed:", error);
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json; charset=utf-8" });
      res.end(JSON.stringify({ error: "internal error" }));
    });
  });
  // A request Node cannot even parse (an unknown method such as TRACK, a broken request line): a JSON 400.
  server.on("clientError", (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable || error.code === "ECONNRESET") return socket.destroy();
    const body = JSON.stringify({ error: "malformed HTTP request" });
    socket.end(
      `HTTP/1.1 400 Bad Request\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return server;
}
