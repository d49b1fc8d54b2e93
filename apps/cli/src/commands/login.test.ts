import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createTestIo } from "../../test/fake-io";
import { sendJson, startFakeServer } from "../../test/fake-server";

describe("seqlab login", () => {
  let fake: Awaited<ReturnType<typeof startFakeServer>>;
  let dir: string;
  beforeAll(async () => {
    fake = await startFakeServer(
      [
        {
          method: "GET",
          path: "/api/v1/account",
          handle: (_req, res) =>
            sendJson(res, 200, {
              user: { id: "u1", name: "Ada Lovelace", email: "ada@example.com" },
              teams: [],
              via: "key",
            }),
        },
      ],
      { key: "sk_good" },
    );
  });
  afterAll(() => fake.close());
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "seqlab-login-"));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));
  const file = () => path.join(dir, "credentials.json");

  it("checks the key with GET /api/v1/account and stores it readable by the user only", async () => {
    const t = createTestIo({ env: { SEQLAB_CONFIG_DIR: dir } });
    expect(await t.run(["login", "--url", `${fake.url}/`, "--key", "sk_good"])).toBe(0);
    expect(t.stdout().split("\n")[0]).toBe(`signed in to ${fake.url} as Ada Lovelace <ada@example.com>`);
    expect(JSON.parse(await readFile(file(), "utf8"))).toEqual({ url: fake.url, apiKey: "sk_good" });
    expect((await stat(file())).mode & 0o777).toBe(0o600);
    // Later commands use what was stored.
    const later = createTestIo({ env: { SEQLAB_CONFIG_DIR: dir } });
    await later.run(["workers"]);
    expect(fake.requests.at(-1)).toMatchObject({ path: "/api/v1/workers", authorization: "Bearer sk_good" });
  });

  it("asks on a terminal for what is not given, the key without echo", async () => {
    const t = createTestIo({ env: { SEQLAB_CONFIG_DIR: dir }, stdinIsTTY: true, answers: [fake.url, "sk_good"] });
    expect(await t.run(["login"])).toBe(0);
    expect(t.prompts).toEqual([
      { question: "seqlab URL [http://localhost:3000]: ", secret: false },
      { question: "API key (dashboard: Settings → API keys): ", secret: true },
    ]);
    expect(JSON.parse(await readFile(file(), "utf8"))).toEqual({ url: fake.url, apiKey: "sk_good" });
  });

  it("takes the key from SEQLAB_API_KEY, or from stdin with --key -", async () => {
    const fromEnv = createTestIo({ env: { SEQLAB_CONFIG_DIR: dir, SEQLAB_URL: fake.url, SEQLAB_API_KEY: "sk_good" } });
    expect(await fromEnv.run(["login"])).toBe(0);
    const fromStdin = createTestIo({ env: { SEQLAB_CONFIG_DIR: dir }, stdin: "sk_good\n" });
    expect(await fromStdin.run(["login", "--url", fake.url, "--key", "-"])).toBe(0);
  });

  it("stores nothing when the server refuses the key", async () => {
    const t = createTestIo({ env: { SEQLAB_CONFIG_DIR: dir } });
    expect(await t.run(["login", "--url", fake.url, "--key", "sk_revoked"])).toBe(1);
    expect(t.stderr()).toBe("seqlab: this API key is not valid: unknown, revoked or expired — run `seqlab login`\n");
    await expect(stat(file())).rejects.toThrow();
  });

  it("needs a key when it cannot ask", async () => {
    const t = createTestIo({ env: { SEQLAB_CONFIG_DIR: dir } });
    expect(await t.run(["login", "--url", fake.url])).toBe(2);
    expect(t.stderr()).toBe(
      "seqlab: no API key: pass --key KEY (or --key - to read it from stdin), or set SEQLAB_API_KEY\n",
    );
  });
});
