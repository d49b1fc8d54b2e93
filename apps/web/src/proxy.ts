import { NextResponse, type NextRequest } from "next/server";
import { SECURITY_HEADERS } from "../request-guard.mjs";
import { configFromEnv } from "./server/config-from-env";

let https: boolean | null = null;
/** Whether the dashboard is served over HTTPS (SEQLAB_URL), read once: pages then ask browsers to upgrade. */
function servedOverHttps(): boolean {
  https ??= configFromEnv().baseUrl.startsWith("https:");
  return https;
}

/** The Content-Security-Policy of a page rendered with `nonce`: scripts only from this origin or with the nonce. */
function contentSecurityPolicy(nonce: string, upgrade: boolean): string {
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
    ...(upgrade ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

/** A page's answer with the security headers and its CSP. */
function secure(response: NextResponse, csp: string): NextResponse {
  response.headers.set("content-security-policy", csp);
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.headers.set(name, value);
  return response;
}

/**
 * Pages only (the matcher leaves out /api and static files): server.mjs has already refused a foreign Host, an
 * unknown method, a malformed path or an oversized body (request-guard.mjs). Here each page gets a CSP with a fresh
 * nonce, which Next puts on the scripts it renders (read from `x-nonce`).
 */
export function proxy(request: NextRequest): NextResponse {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const csp = contentSecurityPolicy(nonce, servedOverHttps());
  const headers = new Headers(request.headers);
  headers.set("x-nonce", nonce);
  headers.set("content-security-policy", csp);
  return secure(NextResponse.next({ request: { headers } }), csp);
}

// Not /api (request-guard.mjs in server.mjs covers it, without the cost of a Next proxy per call), not Next's
// static files (immutable, hashed, no scripts of ours to nonce).
export const config = { matcher: "/((?!api/|_next/static/|_next/image|favicon.ico).*)" };
