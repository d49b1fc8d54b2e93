import { z } from "zod";
import { DisplayText, EntityId, fieldIssues, findNulCharacter, Slug } from "./validation";
import { AttemptEndEvent, RunEventData } from "./run-lifecycle";
import { LaunchRunRequest } from "./run-config";

describe("fieldIssues", () => {
  it("names each unknown key at its own path", () => {
    const result = z.strictObject({ a: z.number(), nested: z.strictObject({ b: z.number() }) }).safeParse({
      a: 1,
      extra: 2,
      other: 3,
      nested: { b: 1, c: 2 },
    });
    expect(fieldIssues(result.error!.issues).sort((x, y) => x.path.localeCompare(y.path))).toEqual([
      { path: "extra", message: "unknown field" },
      { path: "nested.c", message: "unknown field" },
      { path: "other", message: "unknown field" },
    ]);
  });

  it("prefixes paths and reports root issues as (body)", () => {
    expect(fieldIssues([{ path: ["units"], message: "too small" }], ["modelHyperparameters"])).toEqual([
      { path: "modelHyperparameters.units", message: "too small" },
    ]);
    expect(fieldIssues([{ path: [], message: "expected object" }])).toEqual([
      { path: "(body)", message: "expected object" },
    ]);
  });
});

describe("findNulCharacter", () => {
  it("finds a NUL in values and keys at any depth, and nothing in clean input", () => {
    expect(findNulCharacter({ a: ["x", { b: "y\u0000" }] })).toBe("a.1.b");
    expect(findNulCharacter({ ["k\u0000"]: 1 })).toBe("k\\0");
    expect(findNulCharacter("\u0000")).toBe("(body)");
    expect(findNulCharacter({ a: [1, "two", { three: null }], b: true })).toBeNull();
  });
});

describe("boundary schemas", () => {
  it("accept ids, slugs and display text, and refuse what cannot be stored or routed", () => {
    expect(EntityId.safeParse("cmx58dt3a0005s77d6dflt9dn").success).toBe(true);
    for (const bad of ["", "UPPER", "a b", "%00", "x".repeat(65)]) expect(EntityId.safeParse(bad).success).toBe(false);
    expect(Slug.safeParse("team-a1").success).toBe(true);
    for (const bad of ["-a", "A", "a_b", "a".repeat(64)]) expect(Slug.safeParse(bad).success).toBe(false);
    expect(DisplayText(10).parse("  ok  ")).toBe("ok");
    for (const bad of ["", "   ", "tab\there", "x".repeat(11)])
      expect(DisplayText(10).safeParse(bad).success).toBe(false);
  });

  it("refuse unknown launch fields instead of dropping them", () => {
    const parsed = LaunchRunRequest.safeParse({
      model: "rnn",
      dataset: "adding",
      status: "SUCCEEDED",
      training: { stpes: 5 },
    });
    expect(parsed.success).toBe(false);
    expect(
      fieldIssues(parsed.error!.issues)
        .map((i) => i.path)
        .sort(),
    ).toEqual(["status", "training.stpes"]);
  });
});

describe("run lifecycle events", () => {
  it("parse the shapes the supervisor writes and refuse others", () => {
    expect(RunEventData.parse({ kind: "attempt-end", outcome: "lost", step: 96 })).toEqual({
      kind: "attempt-end",
      outcome: "lost",
      step: 96,
    });
    expect(AttemptEndEvent.safeParse({ kind: "attempt-end", outcome: "exploded", step: 1 }).success).toBe(false);
    expect(RunEventData.safeParse({ kind: "attempt-start", worker: "w" }).success).toBe(false);
    expect(RunEventData.safeParse(null).success).toBe(false);
  });
});
