/**
 * Seeded, splittable random numbers. A generator is keyed by a path such as (seed, "adding", "train", 17), so
 * sample 17 of the adding task's train split is a pure function of that path: random access for resuming at any
 * batch, and byte-identical on every machine because everything is 32-bit integer arithmetic (`Math.imul`, shifts).
 * Only `gaussian` uses `Math.log`/`Math.cos`, which V8 computes with its fdlibm port on every platform.
 */

const GOLDEN = 0x9e3779b9;
const TWO_POW_32 = 4294967296;

/** murmur3's 32-bit finalizer: a bijection on uint32 with full avalanche, so adjacent indexes give unrelated keys. */
function fmix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over UTF-16 code units, then finalized: stream labels ("train") become 32-bit words. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

/** A key part: integers (any safe integer, negative included) or labels. */
export type KeyPart = number | string;

function keyWords(parts: readonly KeyPart[]): number[] {
  const words: number[] = [];
  for (const part of parts) {
    if (typeof part === "string") {
      words.push(hashString(part));
    } else {
      if (!Number.isSafeInteger(part)) throw new Error(`random key parts must be safe integers, got ${part}`);
      // Both halves of a 53-bit integer take part, so seeds above 2^32 do not collide with small ones.
      words.push(part >>> 0, Math.floor(part / TWO_POW_32) >>> 0);
    }
  }
  return words;
}

/** Hashes a sequence of 32-bit words into one, order-sensitive (a Merkle-Damgard chain of fmix32). */
export function hashWords(words: readonly number[], salt = 0): number {
  let h = fmix32(GOLDEN ^ salt);
  for (const word of words) h = fmix32((h ^ fmix32(word + GOLDEN)) + Math.imul(h, 5));
  return h;
}

/** Hashes a key path (seed, labels, indexes) to a uint32: for content-addressed decisions such as split assignment. */
export function hashKey(...parts: KeyPart[]): number {
  return hashWords(keyWords(parts));
}

/**
 * A small fast generator (sfc32, from PractRand) whose state is derived from a key path. Independent streams come
 * from `split(label)`, which depends only on this generator's key, never on how many numbers it has drawn.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareGaussian: number | undefined;
  /** The words this generator was keyed with. */
  readonly key: readonly number[];

  /** Prefer `createRng(...path)`; `key` is a list of uint32 words. */
  constructor(key: readonly number[]) {
    this.key = key;
    this.a = hashWords(key, 1);
    this.b = hashWords(key, 2);
    this.c = hashWords(key, 3);
    this.d = hashWords(key, 4) | 1;
    // sfc32's authors recommend discarding the first outputs after seeding; 12 rounds mix the four words together.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** A uniformly distributed uint32. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1) with 32 bits of resolution (exact in float32 and float64 alike). */
  float(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** Uniform in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.float();
  }

  /** Uniform integer in [low, high) (high exclusive), without modulo bias. */
  int(low: number, high: number): number {
    const range = high - low;
    if (!Number.isInteger(range) || range <= 0 || range > TWO_POW_32) {
      throw new Error(`Rng.int needs integers low < high with high - low <= 2^32, got [${low}, ${high})`);
    }
    // Rejection sampling: drop the top partial block of uint32 values so every residue is equally likely.
    const limit = TWO_POW_32 - (TWO_POW_32 % range);
    let value = this.nextUint32();
    while (value >= limit) value = this.nextUint32();
    return low + (value % range);
  }

  /** True with probability `p`. */
  bool(p = 0.5): boolean {
    return this.float() < p;
  }

  /** Standard normal (Box-Muller), scaled to mean and standard deviation. */
  gaussian(mean = 0, std = 1): number {
    if (this.spareGaussian !== undefined) {
      const spare = this.spareGaussian;
      this.spareGaussian = undefined;
      return mean + std * spare;
    }
    // 1 - float() is in (0, 1], so the logarithm is finite.
    const radius = Math.sqrt(-2 * Math.log(1 - this.float()));
    const angle = 2 * Math.PI * this.float();
    this.spareGaussian = radius * Math.sin(angle);
    return mean + std * radius * Math.cos(angle);
  }

  /** One element of a non-empty array, uniformly. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("Rng.pick needs a non-empty array");
    return items[this.int(0, items.length)] as T;
  }

  /** One index drawn with probability proportional to `weights` (non-negative, positive sum). */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    if (!(total > 0)) throw new Error("Rng.weighted needs weights with a positive sum");
    let target = this.float() * total;
    for (let i = 0; i < weights.length; i++) {
      target -= weights[i] as number;
      if (target < 0) return i;
    }
    return weights.length - 1;
  }

  /** Shuffles `items` in place (Fisher-Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(0, i + 1);
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }

  /** `count` distinct integers from [0, n), in random order. */
  sampleDistinct(n: number, count: number): number[] {
    if (count > n) throw new Error(`Rng.sampleDistinct: cannot draw ${count} distinct values from ${n}`);
    const chosen = new Set<number>();
    const out: number[] = [];
    while (out.length < count) {
      const v = this.int(0, n);
      if (!chosen.has(v)) {
        chosen.add(v);
        out.push(v);
      }
    }
    return out;
  }

  /** An independent generator for a sub-stream; depends on this generator's key and `parts` only. */
  split(...parts: KeyPart[]): Rng {
    return new Rng([...this.key, ...keyWords(parts)]);
  }
}

/** The generator for a key path, e.g. `createRng(seed, "adding", "train", sampleIndex)`. */
export function createRng(...parts: KeyPart[]): Rng {
  return new Rng(keyWords(parts));
}
