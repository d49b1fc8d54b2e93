import { request as httpRequest } from "node:http";
import { randomUUID } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "@seqlab/db/testing";
import { REDIS_URL, startWebProcess } from "./harness";

jest.setTimeout(240_000);

/** Raw HTTP, so that methods and paths fetch() would refuse or normalise reach the server as written. */
function raw(
  base: string,
  method: string,
  path: string,
  body?: string,
  headers: Record<string, string | number> = {},
): Promise<{ status: number; contentType: string; body: string; headers: Record<string, unknown> }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        headers: {
          ...(body === undefined
            ? {}
            : { "content-type": "application/json", "content-length": Buffer.byteLength(body) }),
          ...headers,
        },
      },
      (res) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c.toString()));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers["content-type"] ?? ""),
            body: text,
            headers: res.headers,
          }),
        );
      },
    );
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** A deterministic pseudo-random generator (mulberry32), so a failure names a reproducible case. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("the real web server at its HTTP boundary (no 500 for bad input, JSON on every /api answer)", () => {
  let db: TestDatabase;
  let web: Awaited<ReturnType<typeof startWebProcess>>;
  /** The headless admin's session cookie and an API key of theirs: the fuzz runs anonymous and signed in. */
  let cookie: string;
  let bearer: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase();
    web = await startWebProcess({
      DATABASE_URL: db.url,
      REDIS_URL,
      SEQLAB_QUEUE_PREFIX: `fuzz-${randomUUID()}`,
      SEQLAB_ADMIN_EMAIL: "fuzz@example.com",
      SEQLAB_ADMIN_PASSWORD: "fuzz password here",
    });
    const signedIn = await fetch(`${web.url}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: web.url },
      body: JSON.stringify({ email: "fuzz@example.com", password: "fuzz password here" }),
    });
    expect(signedIn.status).toBe(200);
    cookie = (signedIn.headers.get("set-cookie") ?? "").split(";")[0]!;
    const created = await fetch(`${web.url}/api/account/api-keys`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: web.url, cookie },
      body: JSON.stringify({ name: "fuzz" }),
    });
    expect(created.status).toBe(201);
    bearer = { authorization: `Bearer ${((await created.json()) as { key: string }).key}` };
  });
  afterAll(async () => {
    await web?.stop();
    await db?.drop();
  });

  it("answers the cases found by probing with 400, 404 or 405 and a JSON body", async () => {
    const cases: [string, string, number][] = [
      ["GET", "/api/runs/%ff", 400],
      ["GET", "/api/runs/%c0%af", 400],
      ["GET", "/api/runs/%00", 400],
      ["GET", "/api/runs/%ff/metrics", 400],
      ["GET", "/api/artifacts/%00", 400],
      ["TRACE", "/api/runs", 405],
      // Not a method Node's parser knows: the request cannot be parsed at all.
      ["TRACK", "/api/runs", 400],
      ["GET", "/api/no-such-route", 404],
      ["DELETE", "/api/nothing/here/either", 404],
      ["GET", "/api/runs/cmissing000000000000000000/metrics", 404],
      ["DELETE", "/api/runs", 405],
      ["PUT", "/api/health", 405],
    ];
    for (const [method, path, status] of cases) {
      const res = await raw(web.url, method, path, undefined, bearer);
      expect({ method, path, status: res.status }).toEqual({ method, path, status });
      expect(res.contentType).toMatch(/^application\/json/);
      expect(JSON.parse(res.body)).toHaveProperty("error");
    }
    const nul = await raw(
      web.url,
      "POST",
      "/api/runs",
      JSON.stringify({ model: "rnn", dataset: "adding", name: "a\u0000b" }),
      bearer,
    );
    expect(nul.status).toBe(400);
    expect(await db.prisma.run.count()).toBe(0);
  });

  it("refuses, before any handler runs, a foreign Host, a cross-site write, and a body past 1 MiB", async () => {
    const launch = JSON.stringify({ model: "rnn", dataset: "adding" });
    // DNS rebinding: a page on evil.example resolving to 127.0.0.1 sends its own Host.
    const rebound = await raw(web.url, "GET", "/api/runs", undefined, { ...bearer, host: "evil.example" });
    expect(rebound.status).toBe(421);
    // Except health, which probes address to the pod's IP; it says only up or down.
    const probe = await raw(web.url, "GET", "/api/health", undefined, { host: "10.1.2.3:3000" });
    expect(probe.status).toBe(200);
    expect(Object.keys(JSON.parse(probe.body)).sort()).toEqual(["status"]);
    // CSRF: the browser sends the victim's cookie with another site's Origin, or with none.
    for (const origin of ["https://evil.example", "null", undefined]) {
      const res = await raw(web.url, "POST", "/api/runs", launch, { cookie, ...(origin ? { origin } : {}) });
      expect({ origin, status: res.status }).toEqual({ origin, status: 403 });
      expect(JSON.parse(res.body).error).toMatch(/cross-site request refused/);
    }
    // A 20 MB body is refused from its Content-Length without reading it.
    const huge = "x".repeat(20 * 1024 * 1024);
    const tooBig = await raw(web.url, "POST", "/api/runs", huge, bearer).catch((e: Error) => e);
    // Either the 413 arrives, or the server's close cuts the upload first (EPIPE / ECONNRESET). Not `instanceof
    // Error`: errors from Node's own sockets come from another realm than Jest's test globals.
    if ("status" in tooBig) expect(tooBig.status).toBe(413);
    else expect((tooBig as NodeJS.ErrnoException).code).toMatch(/^(EPIPE|ECONNRESET|ECONNABORTED)$/);
    const sized = await raw(web.url, "POST", "/api/runs", undefined, {
      ...bearer,
      "content-type": "application/json",
      "content-length": 2 * 1024 * 1024,
    }).catch((e: Error) => e);
    if (!(sized instanceof Error)) expect(sized.status).toBe(413);
    expect(tooBig instanceof Error && sized instanceof Error).toBe(false);
    expect(await db.prisma.run.count()).toBe(0);
    // The same launch from the dashboard's own origin goes through.
    const ok = await raw(web.url, "POST", "/api/runs", launch, { cookie, origin: web.url });
    expect(ok.status).toBe(201);
  });

  it("sends the security headers on pages and API answers", async () => {
    const page = await raw(web.url, "GET", "/sign-in");
    expect(page.status).toBe(200);
    const csp = String(page.headers["content-security-policy"]);
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers["x-content-type-options"]).toBe("nosniff");
    expect(page.headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    // Every script tag the page renders carries the nonce of its policy.
    const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
    const scripts = page.body.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
    const api = await raw(web.url, "GET", "/api/runs");
    expect(api.status).toBe(401);
    expect(api.headers["x-content-type-options"]).toBe("nosniff");
  });

  it.each([
    ["anonymous", () => ({})],
    ["with an API key", () => bearer],
    ["with a session cookie from the dashboard's origin", () => ({ cookie, origin: web.url })],
  ])("survives 750 fuzzed requests %s without a single 500", async (_who, auth) => {
    const random = rng(20261201);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const methods = ["GET", "POST", "PATCH", "PUT", "DELETE", "HEAD", "OPTIONS", "TRACE"];
    const ids = [
      "x",
      "%00",
      "%ff",
      "%c0%af",
      "%2e%2e",
      "A".repeat(300),
      "c" + "0".repeat(24),
      "%E2%80%AE",
      "'%20OR%201=1",
      "%0a",
    ];
    const paths = [
      "/api/runs",
      "/api/runs/{id}",
      "/api/runs/{id}/cancel",
      "/api/runs/{id}/metrics?max={id}",
      "/api/runs/{id}/stream",
      "/api/artifacts/{id}",
      "/api/queues/{id}",
      "/api/workers",
      "/api/catalog",
      "/api/{id}",
      "/runs/{id}",
      "/runs/new?from={id}",
      "/api/teams",
      "/api/teams/{id}",
      "/api/teams/{id}/members/{id}",
      "/api/teams/{id}/invitations",
      "/api/teams/{id}/api-keys/{id}",
      "/api/teams/{id}/audit?limit={id}",
      "/api/account/api-keys/{id}",
      "/api/invitations/{id}/accept",
      "/api/setup",
      "/api/auth/sign-in/email",
      "/t/{id}",
      "/t/{id}/p/{id}/runs/{id}",
    ];
    const strings = ["", "\u0000", "x".repeat(5000), "🙂", "\ud800", "null", "-1", "1e309"];
    const values = (): unknown =>
      pick([pick(strings), 0, -1, 1e308, null, true, [], {}, [pick(strings)], { a: pick(strings) }]);
    const body = (): string | undefined => {
      const kind = random();
      if (kind < 0.2) return undefined;
      if (kind < 0.3) return "{not json";
      const fields = [
        "model",
        "dataset",
        "name",
        "project",
        "queue",
        "priority",
        "seed",
        "training",
        "datasetParams",
        "modelHyperparameters",
        "status",
        "team",
        "role",
        "email",
        "password",
        "\u0000",
      ];
      const obj: Record<string, unknown> = { model: "rnn", dataset: "adding" };
      for (let i = 0; i < 3; i++) obj[pick(fields)] = values();
      return JSON.stringify(obj);
    };
    const failures: string[] = [];
    for (let i = 0; i < 750; i++) {
      const method = pick(methods);
      const path = pick(paths).replaceAll("{id}", pick(ids));
      const payload = method === "GET" || method === "HEAD" ? undefined : body();
      const res = await raw(web.url, method, path, payload, auth());
      if (res.status >= 500)
        failures.push(`${method} ${path} ${payload ?? ""} -> ${res.status} ${res.body.slice(0, 200)}`);
      if (
        path.startsWith("/api/") &&
        method !== "HEAD" &&
        method !== "OPTIONS" &&
        res.status >= 400 &&
        !res.contentType.startsWith("application/json")
      ) {
        failures.push(`${method} ${path} -> ${res.status} without a JSON body (${res.contentType})`);
      }
    }
    expect(failures).toEqual([]);
  });
});
