/**
 * A tiny splittable PRNG: every (sweep seed, trial number, field) names its own stream, derived by hashing the key,
 * so a trial's draws are a pure function of that key. Nothing is stored between draws: a controller that crashed
 * regenerates trial i from (seed, i) alone, and adding a field to a sweep leaves the other fields' draws unchanged.
 */

/** FNV-1a's 32-bit offset basis and prime (Fowler, Noll, Vo), the published constants. */
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/**
 * A 32-bit hash of a key. FNV-1a over the key's JSON text (unambiguous: ["a.b", 1] and ["a", "b.1"] differ), then
 * MurmurHash3's finalizer, because FNV alone lets keys that differ in their last character land on nearby states.
 */
export function hashKey(key: readonly (string | number)[]): number {
  const text = JSON.stringify(key);
  let h = FNV_OFFSET;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  }
  // MurmurHash3's fmix32 constants (Appleby), which make every input bit flip about half the output bits.
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Mulberry32 (Tommy Ettinger's public-domain generator): 32 bits of state, period 2^32, passes PractRand to 2^32
 * outputs, which is far past the handful of draws one stream gives. Returns floats in [0, 1).
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    // The Weyl increment and shift/multiply constants of the reference implementation.
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    // 2^32: the output is a uint32 scaled into [0, 1).
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * The stream named by `key`, e.g. `seededRandom(sweepSeed, trialNumber, "training.learningRate")`: floats in [0, 1).
 */
export function seededRandom(...key: readonly (string | number)[]): () => number {
  return mulberry32(hashKey(key));
}
