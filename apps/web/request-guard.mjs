// The first look at every request, in server.mjs before Next sees it: plain Node, because a Next proxy (middleware)
// in front of the API halved the requests per second of a route that answers from memory (bench/teams-figures.ts).
// Pages still pass src/proxy.ts, which gives each one its CSP nonce.

/** Methods the WHATWG Request cannot represent (Next would fail building one and answer 500). */
const FORBIDDEN_METHODS = new Set(["TRACE", "TRACK", "CONNECT"]);
/** Methods some route may answer; anything else gets a 405 before routing. */
const KNOWN_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
const ALLOWED = [...KNOWN_METHODS].join(", ");
/** Methods that change state: they need a same-origin Origin or an API key (CSRF). */
const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);
/**
 * Largest request body. MLflow caps a batch log request at 1 MB; launches and settings are far smaller, and a 20 MB
 * body would only cost the server memory (Next buffers up to 10 MB of a body before any handler runs).
 */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Artifact uploads (POST /api/v1/runs/:id/artifacts) stream into the artifact store, so they may be as large as the
 * API's artifact limit, MAX_ARTIFACT_UPLOAD_BYTES in @seqlab/contracts (test/request-guard.test.ts keeps the two
 * equal); the handler enforces it again on the bytes as they arrive.
 */
export const MAX_ARTIFACT_BODY_BYTES = 5 * 1024 * 1024 * 1024;
const ARTIFACT_UPLOAD = /^\/api\/v1\/runs\/[^/]+\/artifacts$/;

/** Headers every answer carries; pages get a CSP with a nonce from src/proxy.ts instead of API_CSP. */
export const SECURITY_HEADERS = {
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "strict-origin-when-cross-origin",
  "permissions-policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
};
/** API answers are data, never documents: nothing in one may run or be framed. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/** A JSON answer written straight to the response, with the API's security headers. */
export function answer(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    ...SECURITY_HEADERS,
    "content-security-policy": API_CSP,
    ...headers,
  });
  res.end(text);
}

/**
 * Returns a function that answers a request it refuses (and returns true), or sets the API's security headers and
 * returns false for Next to handle it:
 * - a method no route can answer: 405;
 * - a body over MAX_BODY_BYTES: 413 from its declared length, unread (the connection closes); no length: 411;
 * - a path that is not valid percent-encoded UTF-8, or holds a control character: 400;
 * - a Host this dashboard does not own: 421, so DNS rebinding cannot reach even a loopback instance (health probes
 *   excepted: Docker and Kubernetes address them to the container, and the answer is only up or down);
 * - a state-changing API request without this dashboard's Origin and without an API key: 403 (CSRF).
 */
export function createRequestGuard(url) {
  return function refuse(req, res) {
    const method = (req.method ?? "").toUpperCase();
    if (FORBIDDEN_METHODS.has(method) || !KNOWN_METHODS.has(method)) {
      answer(res, 405, { error: `method ${req.method} is not allowed` }, { allow: ALLOWED });
      return true;
    }
    const pathname = (req.url ?? "/").split("?")[0];
    const limit = method === "POST" && ARTIFACT_UPLOAD.test(pathname) ? MAX_ARTIFACT_BODY_BYTES : MAX_BODY_BYTES;
    const declared = req.headers["content-length"];
    if (declared === undefined && req.headers["transfer-encoding"] !== undefined) {
      answer(res, 411, { error: "send the body with a Content-Length" }, { connection: "close" });
      return true;
    }
    if (declared !== undefined && Number(declared) > limit) {
      answer(res, 413, { error: `the body is larger than the API's limit of ${limit} bytes` }, { connection: "close" });
      return true;
    }
    // Probes and Prometheus address a pod by its IP, not the public host name. /metrics still needs its bearer
    // token or an admin session (apps/web/src/server/handlers/operations.ts).
    const isHealthProbe =
      (pathname === "/api/health" || pathname === "/metrics") && (method === "GET" || method === "HEAD");
    const host = String(req.headers.host ?? "").toLowerCase();
    if (!isHealthProbe && !url.hosts.has(host)) {
      answer(res, 421, {
        error: `this dashboard answers to ${[...url.hosts][0]}, not to ${JSON.stringify(req.headers.host ?? "")}`,
      });
      return true;
    }
    // Next would fail decoding such a path and answer 500.
    for (const segment of pathname.split("/")) {
      let decoded;
      try {
        decoded = decodeURIComponent(segment);
      } catch {
        answer(res, 400, { error: `the path has malformed percent-encoding: ${JSON.stringify(segment)}` });
        return true;
      }
      if (/[\u0000-\u001f\u007f]/.test(decoded)) {
        answer(res, 400, { error: "the path contains a control character" });
        return true;
      }
    }
    // Every answer (static files too) carries these; pages add their CSP in src/proxy.ts.
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    if (!pathname.startsWith("/api/")) return false;
    res.setHeader("content-security-policy", API_CSP);
    if (STATE_CHANGING.has(method) && req.headers.authorization === undefined) {
      const origin = req.headers.origin;
      if (origin === undefined || !url.origins.has(origin)) {
        answer(res, 403, {
          error:
            "cross-site request refused: state-changing requests come from this dashboard's pages or carry an API key",
        });
        return true;
      }
    }
    return false;
  };
}
