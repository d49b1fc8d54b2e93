import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { publicUrl } from "../public-url.mjs";
import { MAX_ARTIFACT_UPLOAD_BYTES } from "@seqlab/contracts";
import { createRequestGuard, MAX_ARTIFACT_BODY_BYTES, MAX_BODY_BYTES } from "../request-guard.mjs";

/** The guard in front of a handler that answers 200 "passed": what server.mjs does with Next. */
let server: Server;
let port = 0;
beforeAll(async () => {
  const guard = createRequestGuard(publicUrl("https://seqlab.example.com", ["seqlab.internal"]));
  server = createServer((req, res) => {
    if (guard(req, res)) return;
    res.end("passed");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

function send(
  method: string,
  path: string,
  headers: Record<string, string | number>,
  body?: Buffer,
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, method, path, headers, setHost: false }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const HOST = { host: "seqlab.example.com" };
const ORIGIN = "https://seqlab.example.com";

describe("request-guard.mjs: what server.mjs refuses before Next runs", () => {
  it("refuses a Host it does not own (DNS rebinding), but lets health probes through", async () => {
    expect((await send("GET", "/api/runs", { host: "attacker.example" })).status).toBe(421);
    expect((await send("GET", "/", { host: "127.0.0.1:3000" })).status).toBe(421);
    expect((await send("GET", "/api/runs", HOST)).status).toBe(200);
    expect((await send("GET", "/api/runs", { host: "seqlab.internal" })).status).toBe(200);
    expect((await send("GET", "/api/health", { host: "10.0.0.7:3000" })).status).toBe(200);
    expect((await send("POST", "/api/health", { host: "10.0.0.7:3000", origin: ORIGIN })).status).toBe(421);
  });

  it("needs this dashboard's Origin or an API key on a state-changing API request (CSRF)", async () => {
    for (const origin of ["https://attacker.example", "null", "http://seqlab.example.com"]) {
      const res = await send("POST", "/api/runs", { ...HOST, origin, "content-length": 0 });
      expect({ origin, status: res.status }).toEqual({ origin, status: 403 });
    }
    expect((await send("DELETE", "/api/teams/lab", { ...HOST, "content-length": 0 })).status).toBe(403);
    expect((await send("POST", "/api/runs", { ...HOST, origin: ORIGIN, "content-length": 0 })).status).toBe(200);
    // A key is checked by the route; a browser cannot attach one to another site's request without CORS.
    const keyed = await send("POST", "/api/runs", { ...HOST, authorization: "Bearer sk_x", "content-length": 0 });
    expect(keyed.status).toBe(200);
    // Reads need no Origin.
    expect((await send("GET", "/api/runs", HOST)).status).toBe(200);
  });

  it("refuses a body over 1 MiB from its declared length, and a body of undeclared length", async () => {
    const over = await send("POST", "/api/runs", { ...HOST, origin: ORIGIN, "content-length": MAX_BODY_BYTES + 1 });
    expect(over.status).toBe(413);
    expect(over.headers.connection).toBe("close");
    const chunked = await send("POST", "/api/runs", { ...HOST, origin: ORIGIN, "transfer-encoding": "chunked" });
    expect(chunked.status).toBe(411);
  });

  it("lets an artifact upload through up to the API's artifact limit, streamed to the handler", async () => {
    expect(MAX_ARTIFACT_BODY_BYTES).toBe(MAX_ARTIFACT_UPLOAD_BYTES);
    const upload = "/api/v1/runs/r1/artifacts?kind=checkpoint&name=a";
    const key = { ...HOST, authorization: "Bearer sk_x" };
    const twoMiB = Buffer.alloc(2 * 1024 * 1024, 1);
    expect((await send("POST", upload, { ...key, "content-length": twoMiB.length }, twoMiB)).status).toBe(200);
    expect((await send("POST", upload, { ...key, "content-length": MAX_ARTIFACT_BODY_BYTES + 1 })).status).toBe(413);
    // Only that route: any other body keeps the 1 MiB limit.
    const other = await send("POST", "/api/v1/runs/r1/points", { ...key, "content-length": MAX_BODY_BYTES + 1 });
    expect(other.status).toBe(413);
  });

  it("refuses methods no route answers, with Allow", async () => {
    const res = await send("PROPFIND", "/api/runs", HOST);
    expect(res.status).toBe(405);
    expect(String(res.headers.allow)).toContain("PATCH");
  });

  it("puts the security headers on every answer, and a no-content CSP on the API's", async () => {
    const api = await send("GET", "/api/runs", HOST);
    expect(api.headers["x-content-type-options"]).toBe("nosniff");
    expect(api.headers["x-frame-options"]).toBe("DENY");
    expect(api.headers["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
    const refused = await send("GET", "/api/runs", { host: "attacker.example" });
    expect(refused.headers["x-content-type-options"]).toBe("nosniff");
    expect(JSON.parse(refused.body).error).toMatch(/answers to seqlab.example.com/);
    // Pages get their CSP (with a nonce) from src/proxy.ts, not this one.
    const page = await send("GET", "/t/lab", HOST);
    expect(page.headers["x-content-type-options"]).toBe("nosniff");
    expect(page.headers["content-security-policy"]).toBeUndefined();
  });
});

describe("request-guard.mjs: paths Next cannot decode", () => {
  it.each(["/api/runs/%ff", "/api/teams/%c0%af/members", "/t/%ff", "/api/runs/%00", "/t/lab/%0a"])(
    "%s gets a JSON 400",
    async (path) => {
      const res = await send("GET", path, HOST);
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body).error).toMatch(/percent-encoding|control character/);
    },
  );
});
