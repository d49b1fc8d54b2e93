import { LaunchRunRequest, MetricPoint, RunStreamEvent, jobCatalog, parseJobPayload, formatIssues } from "./index";

describe("LaunchRunRequest", () => {
  it("applies defaults to a minimal request", () => {
    const req = LaunchRunRequest.parse({ model: "lstm", dataset: "adding" });
    expect(req.training.steps).toBe(500);
    expect(req.training.optimizer).toBe("adam");
    expect(req.seed).toBe(42);
    expect(req.queue).toBe("default");
    expect(req.modelHyperparameters).toEqual({});
  });

  it("lists every bad field with its path", () => {
    const result = LaunchRunRequest.safeParse({
      model: "LSTM!",
      dataset: "",
      training: { steps: -1, learningRate: 0, batchSize: 2.5 },
      seed: "x",
    });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((i) => i.path.join("."));
    expect(paths).toEqual(
      expect.arrayContaining([
        "model",
        "dataset",
        "training.steps",
        "training.learningRate",
        "training.batchSize",
        "seed",
      ]),
    );
  });

  it("rejects a queue name with spaces", () => {
    expect(LaunchRunRequest.safeParse({ model: "rnn", dataset: "adding", queue: "my queue" }).success).toBe(false);
  });
});

describe("job catalog", () => {
  const config = {
    model: "lstm",
    modelHyperparameters: { units: 32 },
    dataset: "adding",
    datasetParams: { length: 50 },
    training: LaunchRunRequest.parse({ model: "lstm", dataset: "adding" }).training,
    seed: 1,
  };

  it("accepts a valid run.train payload", () => {
    const parsed = parseJobPayload("run.train", { runId: "r1", config });
    expect(parsed.ok).toBe(true);
  });

  it("explains why a payload does not parse", () => {
    const parsed = parseJobPayload("run.train", { runId: "", config: { ...config, training: { steps: "many" } } });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.reason).toMatch(/^invalid run.train payload: /);
      expect(parsed.reason).toContain("runId");
      expect(parsed.reason).toContain("config.training.steps");
    }
  });

  it("has queue settings for every job", () => {
    for (const def of Object.values(jobCatalog)) expect(def.options.attempts).toBeGreaterThan(0);
  });
});

describe("stream events and metric points", () => {
  it("accepts metrics and status events and rejects unknown types", () => {
    expect(
      RunStreamEvent.safeParse({
        type: "metrics",
        runId: "r",
        points: [{ key: "loss", step: 0, value: 1, wallTime: 1 }],
      }).success,
    ).toBe(true);
    expect(RunStreamEvent.safeParse({ type: "status", runId: "r", status: "RUNNING" }).success).toBe(true);
    expect(RunStreamEvent.safeParse({ type: "bogus", runId: "r" }).success).toBe(false);
  });

  it("rejects negative steps and odd metric keys", () => {
    expect(MetricPoint.safeParse({ key: "loss", step: -1, value: 1, wallTime: 0 }).success).toBe(false);
    expect(MetricPoint.safeParse({ key: "a b", step: 0, value: 1, wallTime: 0 }).success).toBe(false);
  });

  it("formats root issues", () => {
    expect(formatIssues([{ path: [], message: "bad" }])).toBe("(root): bad");
  });
});
