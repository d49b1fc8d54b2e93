// The dashboard's server process: `node apps/web/server.mjs` (the launcher runs it), after `next build`; every
// deployment runs it (the images, compose, Kubernetes), since the API's Host, CSRF and size checks live here.
// Next behind a thin Node layer. Plain JavaScript on purpose: run through a TypeScript loader (tsx), the process
// carried a loader thread and its heap, about 75 MiB of resident memory for one file's types.
import { createServer } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import next from "next";
import { z } from "zod";
import { clientAddress, trustedProxies } from "./client-address.mjs";
import { dashboardUrl, extraHostNames, publicUrl } from "./public-url.mjs";
import { answer, createRequestGuard } from "./request-guard.mjs";

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
  /** The dashboard's public URL and further host names (src/env.ts documents them; both read public-url.mjs). */
  SEQLAB_URL: z.string().url().optional(),
  SEQLAB_ALLOWED_HOSTS: z.string().default(""),
});

/** Where the handlers read the client's address (packages/auth CLIENT_IP_HEADER). */
const CLIENT_IP_HEADER = "x-seqlab-client-ip";

async function main() {
  const parsed = ServerEnv.safeParse(process.env);
  if (!parsed.success) {
    throw new Error(`seqlab web: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  const { HOST, PORT, SEQLAB_URL, SEQLAB_ALLOWED_HOSTS, SEQLAB_TRUSTED_PROXIES } = parsed.data;
  const proxies = trustedProxies(SEQLAB_TRUSTED_PROXIES);
  const refused = createRequestGuard(
    publicUrl(dashboardUrl({ url: SEQLAB_URL, port: PORT }), extraHostNames(SEQLAB_ALLOWED_HOSTS)),
  );
  const dir = path.dirname(fileURLToPath(import.meta.url));
  // `npm run dev` passes --dev: Next compiles on demand, behind the same checks as production.
  const app = next({ dev: process.argv.includes("--dev"), dir, hostname: HOST, port: PORT });
  const handle = app.getRequestHandler();
  await app.prepare();
  const server = createServer((req, res) => {
    if (refused(req, res)) return;
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
