import { createRng, hashKey, hashString, Rng } from "./random";

describe("random", () => {
  it("is a pure function of the key path", () => {
    const a = createRng(42, "adding", "train", 7);
    const b = createRng(42, "adding", "train", 7);
    const xs = Array.from({ length: 100 }, () => a.nextUint32());
    const ys = Array.from({ length: 100 }, () => b.nextUint32());
    expect(xs).toEqual(ys);
  });

  it("pins known outputs, so a change to the generator (which would change every dataset) fails loudly", () => {
    const rng = createRng(42, "train", 0);
    const first = [rng.nextUint32(), rng.nextUint32(), rng.nextUint32()];
    expect(first).toEqual([391914201, 1274178045, 465279113]);
    expect(hashString("train")).toBe(377493418);
  });

  it("separates neighbouring keys, seeds above 2^32 and string vs number parts", () => {
    const keys = new Set<number>();
    for (let i = 0; i < 1000; i++) keys.add(hashKey(1, "train", i));
    expect(keys.size).toBe(1000);
    expect(hashKey(1)).not.toBe(hashKey(1 + 2 ** 32));
    expect(createRng(1, "a").nextUint32()).not.toBe(createRng(1, "b").nextUint32());
    expect(createRng(0, 1).nextUint32()).not.toBe(createRng(0, 1, 0).nextUint32());
  });

  it("split streams depend on the key only, not on draws made before", () => {
    const a = createRng(3);
    const b = createRng(3);
    for (let i = 0; i < 10; i++) b.float();
    expect(a.split("x").nextUint32()).toBe(b.split("x").nextUint32());
  });

  it("draws uniform floats, unbiased integers and standard normals (moments within 4 standard errors)", () => {
    const rng = createRng(123);
    const n = 20000;
    let sum = 0;
    let sumSq = 0;
    const counts = new Array<number>(7).fill(0);
    let gSum = 0;
    let gSq = 0;
    let min = 1;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.float();
      min = Math.min(min, u);
      max = Math.max(max, u);
      sum += u;
      sumSq += u * u;
      const k = rng.int(3, 10);
      counts[k - 3]! += 1;
      const g = rng.gaussian();
      gSum += g;
      gSq += g * g;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(sumSq / n - 1 / 3)).toBeLessThan(0.01);
    for (const c of counts) expect(Math.abs(c - n / 7)).toBeLessThan(4 * Math.sqrt((n * (1 / 7) * 6) / 7));
    expect(Math.abs(gSum / n)).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(gSq / n - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
  });

  it("shuffles to a permutation, samples distinct values and respects weights", () => {
    const rng = createRng(9);
    const items = rng.shuffle(Array.from({ length: 50 }, (_, i) => i));
    expect([...items].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const distinct = rng.sampleDistinct(10, 10);
    expect(new Set(distinct).size).toBe(10);
    const hits = [0, 0];
    for (let i = 0; i < 4000; i++) hits[rng.weighted([1, 3])]! += 1;
    expect(hits[1]! / 4000).toBeCloseTo(0.75, 1);
  });

  it("rejects bad arguments with a message", () => {
    expect(() => createRng(1.5)).toThrow(/safe integers/);
    expect(() => new Rng([1]).int(3, 3)).toThrow(/low < high/);
    expect(() => new Rng([1]).pick([])).toThrow(/non-empty/);
  });
});
