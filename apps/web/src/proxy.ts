import { NextResponse, type NextRequest } from "next/server";
import { configFromEnv } from "./server/config-from-env";
import { publicUrl, type PublicUrl } from "./server/public-url";

/** Methods some route may answer; anything else (made-up ones) gets a 405 before routing. */
const KNOWN_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
/** Methods that change state: they need a same-origin Origin or an API key (CSRF). */
const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);
/**
 * Largest JSON body the API accepts. MLflow caps a batch log request at 1 MB; launches and settings are far smaller,
 * and a 20 MB body would only cost the server memory to parse and refuse.
 */
export const MAX_BODY_BYTES = 1024 * 1024;

let cachedUrl: PublicUrl | null = null;
/** The hosts and origins this dashboard accepts, from SEQLAB_URL (computed once). */
function acceptedUrl(): PublicUrl {
  if (!cachedUrl) {
    const config = configFromEnv();
    cachedUrl = publicUrl(config.baseUrl, config.extraHosts);
  }
  return cachedUrl;
}

function refuse(status: number, error: string, headers: Record<string, string> = {}): NextResponse {
  return NextResponse.json({ error }, { status, headers });
}

/** The Content-Security-Policy of a page rendered with `nonce`: scripts only from this origin or with the nonce. */
function contentSecurityPolicy(nonce: string, https: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`,
    // React and uPlot set style attributes; they cannot carry a nonce.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

/** Headers every answer carries. */
function secure(response: NextResponse, csp: string): NextResponse {
  response.headers.set("content-security-policy", csp);
  response.headers.set("x-content-type-options", "nosniff");
  response.headers.set("x-frame-options", "DENY");
  response.headers.set("referrer-policy", "strict-origin-when-cross-origin");
  response.headers.set("permissions-policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()");
  return response;
}

/**
 * The first look at every request, before Next routes it:
 * - a Host this dashboard does not own is refused (421), so DNS rebinding cannot reach even a loopback instance
 *   (health probes excepted: they come addressed to the pod);
 * - a path that is not valid percent-encoded UTF-8, or holds a control character, gets a 400; an unknown method a 405;
 * - a state-changing API request needs an Origin this dashboard owns, or an API key (403 otherwise: CSRF);
 * - a body over 1 MiB gets a 413, and one whose length is not declared a 411;
 * - every answer gets the security headers, pages a CSP with a fresh nonce for Next's scripts.
 */
export function proxy(request: NextRequest): NextResponse {
  const url = acceptedUrl();
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const csp = contentSecurityPolicy(nonce, url.baseUrl.startsWith("https:"));
  const host = request.headers.get("host") ?? "";
  // Health probes (Docker's HEALTHCHECK, Kubernetes' readiness) address the pod or 127.0.0.1, not SEQLAB_URL; the
  // answer is only "up" or "down", which a rebinding page learns nothing from.
  const isHealthProbe =
    request.nextUrl.pathname === "/api/health" && (request.method === "GET" || request.method === "HEAD");
  if (!isHealthProbe && !url.hosts.has(host.toLowerCase())) {
    return secure(refuse(421, `this dashboard answers to ${[...url.hosts][0]}, not to ${JSON.stringify(host)}`), csp);
  }
  if (!KNOWN_METHODS.has(request.method)) {
    return secure(
      refuse(405, `method ${request.method} is not allowed`, { allow: [...KNOWN_METHODS].join(", ") }),
      csp,
    );
  }
  const rawPath = request.url.slice(request.url.indexOf("/", request.url.indexOf("//") + 2)).split("?")[0] ?? "";
  for (const segment of rawPath.split("/")) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return secure(refuse(400, `the path has malformed percent-encoding: ${JSON.stringify(segment)}`), csp);
    }
    if (/[\u0000-\u001f\u007f]/.test(decoded)) return secure(refuse(400, "the path contains a control character"), csp);
  }
  const isApi = request.nextUrl.pathname.startsWith("/api/");
  if (isApi && STATE_CHANGING.has(request.method)) {
    const origin = request.headers.get("origin");
    if (request.headers.get("authorization") === null && (origin === null || !url.origins.has(origin))) {
      return secure(
        refuse(
          403,
          "cross-site request refused: state-changing requests come from this dashboard's pages or carry an API key",
        ),
        csp,
      );
    }
    const length = request.headers.get("content-length");
    if (length === null && request.headers.has("transfer-encoding")) {
      return secure(refuse(411, "send the body with a Content-Length"), csp);
    }
    if (length !== null && Number(length) > MAX_BODY_BYTES) {
      return secure(refuse(413, `the body is larger than the API's limit of ${MAX_BODY_BYTES} bytes`), csp);
    }
  }
  const headers = new Headers(request.headers);
  headers.set("x-nonce", nonce);
  headers.set("content-security-policy", csp);
  return secure(NextResponse.next({ request: { headers } }), csp);
}

export const config = { matcher: "/:path*" };
