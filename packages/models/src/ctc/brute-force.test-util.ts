/**
 * Independent CTC references for tests: enumerate every alignment (C^T of them), so only tiny problems.
 * Float64 throughout, so they also serve as a precise function for finite differences.
 */

/** Deterministic PRNG (mulberry32) so failing cases reproduce. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function logSoftmax(row: readonly number[]): number[] {
  const max = Math.max(...row);
  const lse = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
  return row.map((v) => v - lse);
}

function collapse(alignment: readonly number[], blank: number): number[] {
  const out: number[] = [];
  let prev = -1;
  for (const k of alignment) {
    if (k !== prev && k !== blank) out.push(k);
    prev = k;
  }
  return out;
}

/** Calls `visit` with every alignment of length T over C classes and its log-probability. */
function forEachAlignment(
  logits: readonly (readonly number[])[],
  visit: (alignment: number[], logP: number) => void,
): void {
  const T = logits.length;
  const lp = logits.map((r) => logSoftmax(r));
  const C = logits[0]?.length ?? 0;
  const alignment = new Array<number>(T).fill(0);
  const rec = (t: number, acc: number): void => {
    if (t === T) {
      visit(alignment, acc);
      return;
    }
    for (let k = 0; k < C; k++) {
      alignment[t] = k;
      rec(t + 1, acc + (lp[t]?.[k] as number));
    }
  };
  rec(0, 0);
}

/** -log p(label | logits) by summing the probability of every alignment that collapses to the label. */
export function bruteForceCtcLoss(
  logits: readonly (readonly number[])[],
  label: readonly number[],
  blank: number,
): number {
  let p = 0;
  const key = label.join(",");
  forEachAlignment(logits, (a, logP) => {
    if (collapse(a, blank).join(",") === key) p += Math.exp(logP);
  });
  return -Math.log(p);
}

/** Log-probability of every labeling with nonzero probability (labeling as "1,2,..." keys). */
export function bruteForceLabelings(logits: readonly (readonly number[])[], blank: number): Map<string, number> {
  const probs = new Map<string, number>();
  forEachAlignment(logits, (a, logP) => {
    const key = collapse(a, blank).join(",");
    probs.set(key, (probs.get(key) ?? 0) + Math.exp(logP));
  });
  return new Map([...probs].map(([k, p]) => [k, Math.log(p)]));
}
