/**
 * A signed-in HTTP client for a running seqlab, for the launcher's tests and the benches that drive the real web
 * server: it signs in with email and password like the dashboard does and sends the session cookie (and the Origin
 * the CSRF check asks of cookie-authenticated writes) with every request.
 */
export interface SignedInClient {
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** The session cookies as a Cookie header ("a=1; b=2"). */
  cookie: string;
}

/** The account `./seqlab start` creates on first boot when SEQLAB_ADMIN_EMAIL and SEQLAB_ADMIN_PASSWORD are set. */
export const HEADLESS_ADMIN = { email: "admin@seqlab.test", password: "launcher test password" } as const;

export async function signIn(
  baseUrl: string,
  credentials: { email: string; password: string } = HEADLESS_ADMIN,
): Promise<SignedInClient> {
  const response = await fetch(`${baseUrl}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: baseUrl },
    body: JSON.stringify(credentials),
  });
  if (!response.ok) {
    throw new Error(`sign-in as ${credentials.email} failed: ${response.status} ${await response.text()}`);
  }
  // The session token and the signed copy of the session better-auth sets beside it.
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  if (!cookie) throw new Error(`sign-in as ${credentials.email} returned no session cookie`);
  return {
    cookie,
    fetch(path, init = {}) {
      const headers = new Headers(init.headers);
      headers.set("cookie", cookie);
      headers.set("origin", baseUrl);
      return fetch(`${baseUrl}${path}`, { ...init, headers });
    },
  };
}
