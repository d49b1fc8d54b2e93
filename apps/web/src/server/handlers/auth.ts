import { CLIENT_IP_HEADER } from "@seqlab/auth";
import { json, problem } from "../http";
import { defineHandler } from "../route";
import type { Services } from "../services";

/**
 * better-auth's endpoints that the dashboard calls over HTTP. The others (creating teams, inviting, changing roles,
 * managing API keys, signing up) exist only server-side, behind seqlab's own routes, which apply the access policy
 * and write the audit log.
 */
const HTTP_ENDPOINTS = new Set([
  "POST /sign-in/email",
  "POST /sign-out",
  "GET /get-session",
  "POST /change-password",
  "POST /update-user",
]);

/** Sign-in attempts are counted per client IP and per account: 429 with Retry-After past either limit. */
async function signInLimited(services: Services, request: Request): Promise<Response | null> {
  const ip = request.headers.get(CLIENT_IP_HEADER) ?? "unknown";
  let email = "";
  try {
    const body = (await request.clone().json()) as { email?: unknown };
    email = typeof body.email === "string" ? body.email.trim().toLowerCase() : "";
  } catch {
    // Not JSON: better-auth answers that itself.
  }
  const checks = [
    services.rateLimiter.hit(`signin-ip:${ip}`, services.limits.signInPerIpPerMinute, 60),
    ...(email
      ? [services.rateLimiter.hit(`signin-account:${email}`, services.limits.signInPerAccountPerMinute, 60)]
      : []),
  ];
  for (const result of await Promise.all(checks)) {
    if (!result.allowed) {
      return json({ error: `too many sign-in attempts: try again in ${result.retryAfterSeconds} s` }, 429, {
        "retry-after": String(result.retryAfterSeconds),
      });
    }
  }
  return null;
}

/** /api/auth/*: sign-in, sign-out and the session, through better-auth; everything else there is a 404. */
export const authEndpoint = defineHandler({
  access: "public",
  async handle({ services, request }) {
    const path = new URL(request.url).pathname.replace(/^\/api\/auth/, "");
    if (!HTTP_ENDPOINTS.has(`${request.method} ${path}`))
      return problem(404, `no API route ${request.method} /api/auth${path}`);
    if (path === "/sign-in/email") {
      const limited = await signInLimited(services, request);
      if (limited) return limited;
    }
    return services.auth.handler(request);
  },
});
