// The dashboard's server process: `node apps/web/server.mjs` (the launcher runs it), after `next build`.
// Next behind a thin Node layer. Plain JavaScript on purpose: run through a TypeScript loader (tsx), the process
// carried a loader thread and its heap, about 75 MiB of resident memory for one file's types.
import { createServer } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import next from "next";
import { z } from "zod";
import { clientAddress, trustedProxies } from "./client-address.mjs";

/** What this process reads from the environment (the app's own settings are parsed in src/env.ts). */
const ServerEnv = z.object({
  /** Port the dashboard listens on. */
  PORT: z.coerce.number().int().min(1).max(65_535).default(3000),
  /** Interface it listens on: loopback unless a reverse proxy on another host must reach it. */
  HOST: z.string().min(1).default("127.0.0.1"),
  /**
   * Reverse proxies whose X-Forwarded-For is believed (comma list of addresses or CIDR ranges, or "private" for
   * loopback and the private ranges a compose network or cluster uses). Unset: the socket's peer is the client.
   */
  SEQLAB_TRUSTED_PROXIES: z.string().default(""),
});

/**
 * Methods the WHATWG Request cannot represent (Next would fail building one and answer 500): refused here, before
 * Next sees them. Everything else reaches src/proxy.ts and the routes.
 */
const FORBIDDEN_METHODS = new Set(["TRACE", "TRACK", "CONNECT"]);
const ALLOWED = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";
/**
 * Largest request body (src/proxy.ts MAX_BODY_BYTES, which refuses the same for deployments that run `next start`).
 * Refused here from the declared length, because Next buffers up to 10 MB of a body before src/proxy.ts runs.
 */
const MAX_BODY_BYTES = 1024 * 1024;
/** Where the handlers read the client's address (packages/auth CLIENT_IP_HEADER). */
const CLIENT_IP_HEADER = "x-seqlab-client-ip";

/** A JSON answer written straight to the socket's response. */
function answer(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "x-content-type-options": "nosniff",
    ...headers,
  });
  res.end(text);
}

/** Answers without reading the body; Node closes the connection after it, so the client stops sending. */
function refuseBody(res, status, body) {
  answer(res, status, body, { connection: "close" });
}

async function main() {
  const parsed = ServerEnv.safeParse(process.env);
  if (!parsed.success) {
    throw new Error(`seqlab web: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  const { HOST, PORT } = parsed.data;
  const proxies = trustedProxies(parsed.data.SEQLAB_TRUSTED_PROXIES);
  const dir = path.dirname(fileURLToPath(import.meta.url));
  const app = next({ dev: false, dir, hostname: HOST, port: PORT });
  const handle = app.getRequestHandler();
  await app.prepare();
  const server = createServer((req, res) => {
    if (FORBIDDEN_METHODS.has((req.method ?? "").toUpperCase())) {
      return answer(res, 405, { error: `method ${req.method} is not allowed` }, { allow: ALLOWED });
    }
    const declared = req.headers["content-length"];
    if (declared === undefined && req.headers["transfer-encoding"] !== undefined) {
      return refuseBody(res, 411, { error: "send the body with a Content-Length" });
    }
    if (declared !== undefined && Number(declared) > MAX_BODY_BYTES) {
      return refuseBody(res, 413, { error: `the body is larger than the API's limit of ${MAX_BODY_BYTES} bytes` });
    }
    // The client's address for the sign-in rate limits, from the socket (or a trusted proxy's X-Forwarded-For):
    // this header, if the client sent one, is overwritten.
    req.headers[CLIENT_IP_HEADER] = clientAddress(req, proxies);
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
