import { createRng } from "../random";
import { drawForSplit, splitOfContent } from "./split-assignment";

describe("split assignment", () => {
  it("gives about 10% / 10% / 80% of a space to validation / test / train, independent of any seed", () => {
    const counts = { train: 0, validation: 0, test: 0 };
    for (let n = 0; n < 20_000; n++) counts[splitOfContent(String(n))]++;
    expect(counts.validation / 20_000).toBeCloseTo(0.1, 1);
    expect(counts.test / 20_000).toBeCloseTo(0.1, 1);
    expect(splitOfContent("2026-11-25")).toBe(splitOfContent("2026-11-25"));
  });

  it("draws only items that belong to the split, and fails clearly when the split owns nothing", () => {
    const rng = createRng(1);
    for (let i = 0; i < 50; i++) {
      const n = drawForSplit(rng, "test", (r) => r.int(0, 1000), String);
      expect(splitOfContent(String(n))).toBe("test");
    }
    expect(() =>
      drawForSplit(
        rng,
        "test",
        () => 0,
        () => "train-only",
        undefined,
        100,
      ),
    ).toThrow(/too small/);
  });
});
