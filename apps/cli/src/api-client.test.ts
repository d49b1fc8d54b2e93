import { mkdtemp, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { createTestIo } from "../test/fake-io";
import { sendJson, startFakeServer } from "../test/fake-server";

/** A port nothing listens on: one a server just gave back. */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("errors are one line on stderr", () => {
  let fake: Awaited<ReturnType<typeof startFakeServer>>;
  beforeAll(async () => {
    fake = await startFakeServer(
      [
        {
          method: "GET",
          path: "/api/v1/workers",
          handle: (_req, res) => {
            res.writeHead(502, { "content-type": "text/html" });
            res.end("<html><body>Bad gateway</body></html>");
          },
        },
        { method: "GET", path: "/api/v1/queues", handle: (_req, res) => sendJson(res, 200, { queues: "nope" }) },
      ],
      { key: "good" },
    );
  });
  afterAll(() => fake.close());

  it("says to log in again when the key is refused (401)", async () => {
    const t = createTestIo({ env: { SEQLAB_URL: fake.url, SEQLAB_API_KEY: "revoked" } });
    expect(await t.run(["runs", "ls"])).toBe(1);
    expect(t.stderr()).toBe("seqlab: this API key is not valid: unknown, revoked or expired — run `seqlab login`\n");
  });

  it("says the server cannot be reached, and how to start it", async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const t = createTestIo({ env: { SEQLAB_URL: url, SEQLAB_API_KEY: "good" } });
    expect(await t.run(["workers"])).toBe(1);
    expect(t.stderr()).toBe(
      `seqlab: cannot reach ${url}: connection refused — is the server running? (\`seqlab start\`)\n`,
    );
  });

  it("says how to log in when there are no credentials", async () => {
    const t = createTestIo();
    expect(await t.run(["queues"])).toBe(1);
    expect(t.stderr()).toBe("seqlab: not logged in: run `seqlab login` or set SEQLAB_URL and SEQLAB_API_KEY\n");
  });

  it("never sends the stored key to another server than its own", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "seqlab-cli-"));
    try {
      await writeFile(
        path.join(dir, "credentials.json"),
        JSON.stringify({ url: "http://stored.example:3000", apiKey: "k" }),
      );
      const t = createTestIo({ env: { SEQLAB_CONFIG_DIR: dir } });
      expect(await t.run(["queues", "--url", fake.url])).toBe(1);
      expect(t.stderr()).toBe(
        `seqlab: no API key for ${fake.url} (the stored key is for http://stored.example:3000): ` +
          `run \`seqlab login --url ${fake.url}\`, pass --key, or set SEQLAB_API_KEY\n`,
      );
      expect(fake.requests.some((r) => r.authorization === "Bearer k")).toBe(false);
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it("uses the flag over the environment over the credentials file", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "seqlab-cli-"));
    try {
      await writeFile(path.join(dir, "credentials.json"), JSON.stringify({ url: fake.url, apiKey: "from-file" }));
      const fromFile = createTestIo({ env: { SEQLAB_CONFIG_DIR: dir } });
      await fromFile.run(["queues"]);
      expect(fake.requests.at(-1)!.authorization).toBe("Bearer from-file");
      const fromEnv = createTestIo({ env: { SEQLAB_CONFIG_DIR: dir, SEQLAB_API_KEY: "from-env" } });
      await fromEnv.run(["queues"]);
      expect(fake.requests.at(-1)!.authorization).toBe("Bearer from-env");
      const fromFlag = createTestIo({ env: { SEQLAB_CONFIG_DIR: dir, SEQLAB_API_KEY: "from-env" } });
      await fromFlag.run(["queues", "--key", "from-flag"]);
      expect(fake.requests.at(-1)!.authorization).toBe("Bearer from-flag");
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it("reports an answer that is not the error JSON by its status and a little of its body", async () => {
    const t = createTestIo({ env: { SEQLAB_URL: fake.url, SEQLAB_API_KEY: "good" } });
    expect(await t.run(["workers"])).toBe(1);
    expect(t.stderr()).toBe(
      "seqlab: GET /api/v1/workers answered 502 Bad Gateway: <html><body>Bad gateway</body></html>\n",
    );
  });

  it("reports an answer of another shape as such", async () => {
    const t = createTestIo({ env: { SEQLAB_URL: fake.url, SEQLAB_API_KEY: "good" } });
    expect(await t.run(["queues"])).toBe(1);
    expect(t.stderr()).toMatch(
      /^seqlab: unexpected answer from GET \/api\/v1\/queues \(a server of another version\?\): queues: /,
    );
    expect(t.stderr().trimEnd().split("\n")).toHaveLength(1);
  });

  it("refuses a URL that is not http(s) as a usage error", async () => {
    const t = createTestIo({ env: { SEQLAB_API_KEY: "good" } });
    expect(await t.run(["queues", "--url", "ftp://x"])).toBe(2);
    expect(t.stderr()).toBe("seqlab: --url is not an http:// or https:// URL: ftp://x\n");
  });
});
