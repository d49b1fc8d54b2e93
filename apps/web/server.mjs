// The dashboard's server process: `node apps/web/server.mjs` (the launcher runs it), after `next build`.
// Next behind a thin Node layer. Plain JavaScript on purpose: run through a TypeScript loader (tsx), the process
// carried a loader thread and its heap, about 75 MiB of resident memory for one file's types.
import { createServer } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import next from "next";
import { z } from "zod";

/** What this process reads from the environment (the app's own settings are parsed in src/env.ts). */
const ServerEnv = z.object({
  /** Port the dashboard listens on. */
  PORT: z.coerce.number().int().min(1).max(65_535).default(3000),
  /** Interface it listens on: loopback unless a reverse proxy on another host must reach it. */
  HOST: z.string().min(1).default("127.0.0.1"),
});

/**
 * Methods the WHATWG Request cannot represent (Next would fail building one and answer 500): refused here, before
 * Next sees them. Everything else reaches src/proxy.ts and the routes.
 */
const FORBIDDEN_METHODS = new Set(["TRACE", "TRACK", "CONNECT"]);
const ALLOWED = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";
/** Where the handlers read the client's address (packages/auth CLIENT_IP_HEADER). */
const CLIENT_IP_HEADER = "x-seqlab-client-ip";

/** A JSON answer written straight to the socket's response. */
function answer(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

async function main() {
  const parsed = ServerEnv.safeParse(process.env);
  if (!parsed.success) {
    throw new Error(`seqlab web: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  const { HOST, PORT } = parsed.data;
  const dir = path.dirname(fileURLToPath(import.meta.url));
  const app = next({ dev: false, dir, hostname: HOST, port: PORT });
  const handle = app.getRequestHandler();
  await app.prepare();
  const server = createServer((req, res) => {
    if (FORBIDDEN_METHODS.has((req.method ?? "").toUpperCase())) {
      return answer(res, 405, { error: `method ${req.method} is not allowed` }, { allow: ALLOWED });
    }
    // The client's address for the sign-in rate limits, from the socket: a header the client sent is not trusted.
    req.headers[CLIENT_IP_HEADER] = req.socket.remoteAddress ?? "unknown";
    handle(req, res).catch((error) => {
      console.error("[web] request failed:", error);
      if (!res.headersSent) answer(res, 500, { error: "internal error" });
      else res.end();
    });
  });
  // A request Node cannot even parse (an unknown method such as TRACK, a broken request line): a JSON 400.
  server.on("clientError", (error, socket) => {
    if (!socket.writable || error.code === "ECONNRESET") return socket.destroy();
    const body = JSON.stringify({ error: "malformed HTTP request" });
    socket.end(
      `HTTP/1.1 400 Bad Request\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(PORT, HOST, resolve);
  });
  console.log(`seqlab web: listening on http://${HOST}:${PORT}`);
  const stop = () => process.exit(0);
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
