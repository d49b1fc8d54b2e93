import { createTestIo } from "../../test/fake-io";
import { sendJson, startFakeServer } from "../../test/fake-server";
import { catalog, runDetail } from "../../test/fixtures";

const KEY = "sk_test_key";

async function server() {
  return startFakeServer(
    [
      { method: "GET", path: "/api/v1/catalog", handle: (_req, res) => sendJson(res, 200, catalog) },
      {
        method: "POST",
        path: "/api/v1/runs",
        handle: (req, res) => {
          const body = JSON.parse(req.body) as { modelHyperparameters: Record<string, unknown> };
          if ("bogus" in body.modelHyperparameters) {
            sendJson(res, 400, {
              error: "invalid run request",
              issues: [
                { path: "modelHyperparameters.bogus", message: "unknown hyperparameter" },
                { path: "training.steps", message: "must be at most 1000000" },
              ],
            });
            return;
          }
          const { events: _events, ...run } = runDetail();
          sendJson(res, 201, { run, warnings: ['no live worker serves queue "default"'] });
        },
      },
    ],
    { key: KEY },
  );
}

describe("seqlab launch", () => {
  let fake: Awaited<ReturnType<typeof server>>;
  beforeAll(async () => {
    fake = await server();
  });
  afterAll(() => fake.close());
  const env = () => ({ SEQLAB_URL: fake.url, SEQLAB_API_KEY: KEY });

  it("turns -p, -d and -t into the request body, values as JSON when they parse", async () => {
    const t = createTestIo({ env: env() });
    const code = await t.run([
      "launch",
      "lstm",
      "adding",
      "-p",
      "units=64",
      "-p",
      "layers=2",
      "-p",
      "cell=peephole",
      "-p",
      "sizes=[1,2]",
      "-d",
      "length=50",
      "-t",
      "steps=2000",
      "-t",
      "learningRate=0.01",
      "-t",
      "gradientFlow=false",
      "--seed",
      "7",
      "--name",
      "my run",
      "--team",
      "lab",
      "--project",
      "p1",
      "--queue",
      "a100",
      "--priority",
      "5",
    ]);
    expect(t.stderr()).toBe('seqlab: warning: no live worker serves queue "default"\n');
    expect(code).toBe(0);
    const post = fake.requests.find((r) => r.method === "POST")!;
    expect(JSON.parse(post.body)).toEqual({
      model: "lstm",
      dataset: "adding",
      modelHyperparameters: { units: 64, layers: 2, cell: "peephole", sizes: [1, 2] },
      datasetParams: { length: 50 },
      training: { steps: 2000, learningRate: 0.01, gradientFlow: false },
      seed: 7,
      name: "my run",
      team: "lab",
      project: "p1",
      queue: "a100",
      priority: 5,
    });
    expect(t.stdout()).toBe(`launched run run1 (lstm-adding): ${fake.url}/t/lab/p/default/runs/run1\n`);
  });

  it("prints the server's answer with --json", async () => {
    const t = createTestIo({ env: env() });
    expect(await t.run(["launch", "lstm", "adding", "--json"])).toBe(0);
    const answer = JSON.parse(t.stdout()) as { run: { id: string }; warnings: string[] };
    expect(answer.run.id).toBe("run1");
    expect(answer.warnings).toHaveLength(1);
  });

  it("refuses an unknown model in one line that lists the known ones, before posting", async () => {
    const before = fake.requests.filter((r) => r.method === "POST").length;
    const t = createTestIo({ env: env() });
    expect(await t.run(["launch", "foo", "adding"])).toBe(1);
    expect(t.stderr()).toBe('seqlab: unknown model "foo": known models are rnn, lstm, gru\n');
    expect(fake.requests.filter((r) => r.method === "POST")).toHaveLength(before);
  });

  it("refuses an unknown dataset the same way", async () => {
    const t = createTestIo({ env: env() });
    expect(await t.run(["launch", "lstm", "nope"])).toBe(1);
    expect(t.stderr()).toBe('seqlab: unknown dataset "nope": known datasets are adding, copy\n');
  });

  it("prints the server's 400 issues on one line", async () => {
    const t = createTestIo({ env: env() });
    expect(await t.run(["launch", "lstm", "adding", "-p", "bogus=1"])).toBe(1);
    expect(t.stderr()).toBe(
      "seqlab: invalid run request: modelHyperparameters.bogus: unknown hyperparameter; training.steps: must be at most 1000000\n",
    );
  });

  it.each([
    [
      ["launch", "lstm", "adding", "-p", "units"],
      /^seqlab: option '-p, --param <key=value>' argument 'units' is invalid\. expected key=value, got "units" \(see `seqlab launch --help`\)\n$/,
    ],
    [["launch", "lstm", "adding", "--seed", "abc"], /^seqlab: --seed: must be a whole number\n$/],
    [["launch", "lstm", "adding", "--seed", "-1"], /^seqlab: --seed: must be a whole number ≥ 0\n$/],
    [["launch", "lstm", "adding", "--bogus"], /^seqlab: unknown option '--bogus'/],
    [["launch", "lstm"], /^seqlab: missing required argument 'dataset'/],
    [["launch", "lstm", "adding", "--follow", "--json"], /^seqlab: --follow and --json do not go together/],
  ])("a bad command line %j is a usage error: exit 2, one line", async (argv, message) => {
    const t = createTestIo({ env: env() });
    expect(await t.run(argv)).toBe(2);
    expect(t.stderr()).toMatch(message);
    expect(t.stderr().trimEnd().split("\n")).toHaveLength(1);
    expect(t.stdout()).toBe("");
  });
});
