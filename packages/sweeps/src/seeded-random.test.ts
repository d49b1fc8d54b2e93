import { hashKey, mulberry32, seededRandom } from "./seeded-random";

describe("seededRandom", () => {
  it("gives the same stream for the same key and different streams for different keys", () => {
    const draw = (...key: (string | number)[]) => {
      const next = seededRandom(...key);
      return [next(), next(), next()];
    };
    expect(draw(7, 3, "a")).toEqual(draw(7, 3, "a"));
    expect(draw(7, 3, "a")).not.toEqual(draw(8, 3, "a"));
    expect(draw(7, 3, "a")).not.toEqual(draw(7, 4, "a"));
    expect(draw(7, 3, "a")).not.toEqual(draw(7, 3, "b"));
    expect(hashKey(["a.b", 1])).not.toBe(hashKey(["a", "b.1"]));
  });

  it("draws in [0, 1) and fills ten equal bins evenly across keys", () => {
    const bins = new Array<number>(10).fill(0);
    const n = 10_000;
    let [lowest, highest] = [1, 0];
    for (let i = 0; i < n; i++) {
      const u = seededRandom(0, i, "x")();
      [lowest, highest] = [Math.min(lowest, u), Math.max(highest, u)];
      bins[Math.floor(u * 10)]! += 1;
    }
    expect(lowest).toBeGreaterThanOrEqual(0);
    expect(highest).toBeLessThan(1);
    // Each bin expects 1000 with a standard deviation of 30: 150 is five of them.
    for (const count of bins) expect(Math.abs(count - n / 10)).toBeLessThan(150);
  });

  it("matches mulberry32's reference C implementation", () => {
    // Outputs of Ettinger's C mulberry32 (uint32 arithmetic), compiled with gcc, for seeds 0 and 123456789.
    const first3 = (seed: number) => {
      const next = mulberry32(seed);
      return [next(), next(), next()].map((u) => u * 4_294_967_296);
    };
    expect(first3(0)).toEqual([1_144_304_738, 1_416_247, 958_946_056]);
    expect(first3(123_456_789)).toEqual([1_107_202_814, 4_169_434_471, 3_372_958_138]);
  });
});
