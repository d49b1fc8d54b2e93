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
): Promise<{ status: number; contentType: string; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        headers:
          body === undefined ? {} : { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c.toString()));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, contentType: String(res.headers["content-type"] ?? ""), body: text }),
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

  beforeAll(async () => {
    db = await createTestDatabase();
    web = await startWebProcess({ DATABASE_URL: db.url, REDIS_URL, SEQLAB_QUEUE_PREFIX: `fuzz-${randomUUID()}` });
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
      const res = await raw(web.url, method, path);
      expect({ method, path, status: res.status }).toEqual({ method, path, status });
      expect(res.contentType).toMatch(/^application\/json/);
      expect(JSON.parse(res.body)).toHaveProperty("error");
    }
    const nul = await raw(
      web.url,
      "POST",
      "/api/runs",
      JSON.stringify({ model: "rnn", dataset: "adding", name: "a\u0000b" }),
    );
    expect(nul.status).toBe(400);
  });

  it("survives 750 fuzzed requests without a single 500", async () => {
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
      const res = await raw(web.url, method, path, payload);
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
