import { linearAxis, logAxis } from "./sweep-chart-scales";

describe("the sweep charts' axes", () => {
  it("maps a linear domain widened to round ticks onto the pixel range, larger values up on a y axis", () => {
    const y = linearAxis([0.23, 0.87], [200, 0]);
    expect(y.domain).toEqual([0.2, 1]);
    expect(y.at(0.2)).toBeCloseTo(200, 9);
    expect(y.at(1)).toBeCloseTo(0, 9);
    expect(y.at(0.6)).toBeCloseTo(100, 9);
    expect(y.ticks[0]).toBe(0.2);
  });

  it("gives one value, or none, a range around it", () => {
    const one = linearAxis([5], [0, 100]);
    expect(one.at(5)).toBeCloseTo(50, 9);
    const none = linearAxis([Number.NaN], [0, 100]);
    expect(none.domain).toEqual([0, 1]);
  });

  it("spaces log values by their ratio, padded at the ends, ticked at the given steps", () => {
    const x = logAxis([10, 1000], [0, 100], [10, 30, 90, 270, 1000, 5000]);
    // Equal ratios, equal distances: 10 → 100 is as far as 100 → 1000.
    expect(x.at(100) - x.at(10)).toBeCloseTo(x.at(1000) - x.at(100), 9);
    expect(x.at(10)).toBeGreaterThan(0);
    expect(x.at(1000)).toBeLessThan(100);
    expect(x.ticks).toEqual([10, 30, 90, 270, 1000]);
    expect(Number.isNaN(x.at(0))).toBe(true);
  });

  it("centres a single rung on a log axis and ticks powers of ten by default", () => {
    const x = logAxis([500], [0, 100]);
    expect(x.at(500)).toBeCloseTo(50, 9);
    expect(logAxis([1, 1000], [0, 100]).ticks).toEqual([1, 10, 100, 1000]);
  });
});
