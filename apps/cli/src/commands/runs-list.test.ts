import { createTestIo } from "../../test/fake-io";
import { sendJson, startFakeServer } from "../../test/fake-server";
import { runDetail } from "../../test/fixtures";

const NOW = Date.parse("2025-01-01T01:00:00.000Z");

function row(id: string, overrides: Record<string, unknown> = {}) {
  const { events: _e, artifacts: _a, attempts: _t, config: _c, externalInfo: _x, ...summary } = runDetail({ id });
  return { ...summary, values: {}, ...overrides };
}

const answer = {
  runs: [
    row("run-a", {
      name: "a rather long run name that will not fit a narrow terminal",
      status: "RUNNING",
      lastStep: 1200,
      values: { "summary.train/loss": 0.123456 },
    }),
    row("run-b", { status: "SUCCEEDED", lastStep: 100, finalLoss: 0.05, createdAt: "2025-01-01T00:59:30.000Z" }),
    row("run-c", { status: "FAILED" }),
  ],
  total: 7,
  offset: 0,
};

describe("seqlab runs ls", () => {
  let fake: Awaited<ReturnType<typeof startFakeServer>>;
  beforeAll(async () => {
    fake = await startFakeServer([
      {
        method: "GET",
        path: "/api/v1/runs",
        handle: (req, res) => {
          const filter = req.query.get("filter");
          if (filter === "status =") {
            const message = "expected a value after = at 8";
            sendJson(res, 400, { error: `invalid filter: ${message}`, issues: [{ path: "filter", message }] });
            return;
          }
          sendJson(res, 200, answer);
        },
      },
    ]);
  });
  afterAll(() => fake.close());
  const env = (extra: Record<string, string> = {}) => ({ SEQLAB_URL: fake.url, SEQLAB_API_KEY: "k", ...extra });

  it("prints a table without escape codes to a pipe, every column whole", async () => {
    const t = createTestIo({ env: env(), now: () => NOW });
    expect(await t.run(["runs", "ls", "--filter", "status = RUNNING", "--sort", "-created", "--limit", "3"])).toBe(0);
    const request = fake.requests.at(-1)!;
    expect(Object.fromEntries(request.query)).toEqual({
      filter: "status = RUNNING",
      sort: "-created",
      limit: "3",
      columns: "summary.train/loss",
    });
    const lines = t.stdout().split("\n");
    expect(lines[0]).toMatch(/^ID\s+NAME\s+STATUS\s+MODEL\s+DATASET\s+STEP\s+LOSS\s+CREATED$/);
    expect(lines[1]).toMatch(
      /^run-a\s+a rather long run name that will not fit a narrow terminal\s+RUNNING\s+lstm\s+adding\s+1200\s+0\.1235\s+1h ago$/,
    );
    expect(lines[2]).toMatch(/^run-b .*SUCCEEDED .* 100\s+0\.05\s+30s ago$/);
    expect(lines[3]).toMatch(/^run-c .*FAILED .* -\s+-\s+1h ago$/);
    expect(lines[4]).toBe("3 of 7 runs (--limit shows more)");
    expect(t.stdout()).not.toContain("\u001b");
  });

  it("fits the table to a narrow terminal: the name shrinks, then columns go", async () => {
    const t = createTestIo({ env: env({ NO_COLOR: "1" }), tty: true, columns: 70, now: () => NOW });
    expect(await t.run(["runs", "ls"])).toBe(0);
    const lines = t.stdout().trimEnd().split("\n");
    for (const line of lines.slice(0, 4)) expect(line.length).toBeLessThanOrEqual(70);
    expect(lines[1]).toContain("…");
    expect(lines[0]).toContain("CREATED");
    const narrower = createTestIo({ env: env({ NO_COLOR: "1" }), tty: true, columns: 52, now: () => NOW });
    await narrower.run(["runs", "ls"]);
    const narrow = narrower.stdout().trimEnd().split("\n");
    for (const line of narrow.slice(0, 4)) expect(line.length).toBeLessThanOrEqual(52);
    expect(narrow[0]).toMatch(/^ID\s+NAME\s+STATUS\s+(MODEL\s+)?STEP\s+LOSS$/);
  });

  it("has no ESC characters with NO_COLOR even on a terminal, and colours without it", async () => {
    const plain = createTestIo({ env: env({ NO_COLOR: "1" }), tty: true });
    await plain.run(["runs", "ls"]);
    expect(plain.stdout()).not.toContain("\u001b");
    const coloured = createTestIo({ env: env(), tty: true });
    await coloured.run(["runs", "ls"]);
    expect(coloured.stdout()).toContain("\u001b[32mSUCCEEDED");
  });

  it("prints exactly the server's data with --json", async () => {
    const t = createTestIo({ env: env() });
    expect(await t.run(["runs", "ls", "--json"])).toBe(0);
    expect(JSON.parse(t.stdout())).toEqual(answer);
  });

  it("prints a bad filter's 400 as one line", async () => {
    const t = createTestIo({ env: env() });
    expect(await t.run(["runs", "ls", "--filter", "status ="])).toBe(1);
    expect(t.stderr()).toBe("seqlab: invalid filter: expected a value after = at 8\n");
  });

  it("validates --limit", async () => {
    const t = createTestIo({ env: env() });
    expect(await t.run(["runs", "ls", "--limit", "5000"])).toBe(2);
    expect(t.stderr()).toBe("seqlab: --limit: must be at most 1000\n");
  });
});
