import type { Random } from "./random";

/**
 * Weight initialisers computed in plain typed arrays from a seeded stream. They return row-major [rows, cols]
 * data for a kernel used as `x @ W` (Keras layout: rows = fan-in, cols = fan-out).
 */

/** Glorot (Xavier) uniform: U(-a, a) with a = sqrt(6 / (fanIn + fanOut)). */
export function glorotUniform(rows: number, cols: number, random: Random): Float32Array {
  const limit = Math.sqrt(6 / (rows + cols));
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < out.length; i++) out[i] = random.uniform(-limit, limit);
  return out;
}

/**
 * A random orthogonal [rows, cols] matrix (orthonormal columns if rows >= cols, else orthonormal rows), drawn from
 * the Haar measure: Householder QR of a Gaussian matrix in float64 with the signs of R's diagonal folded into Q.
 * Differs from tfjs's `orthogonal` initializer only in speed: tfjs runs its QR as hundreds of small tensor ops
 * (52 s for 128x512 on cpu); this is O(n^3) scalar JS, about 10 ms for 128x128.
 */
export function orthogonal(rows: number, cols: number, random: Random, gain = 1): Float32Array {
  const tall = rows >= cols;
  const m = tall ? rows : cols;
  const n = tall ? cols : rows;
  // a is m x n, column-major so that each Householder reflection walks contiguous memory.
  const a = new Float64Array(m * n);
  for (let i = 0; i < a.length; i++) a[i] = random.normal();
  const q = householderQ(a, m, n);
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      // q is m x n column-major: element (i, j) at j * m + i.
      const value = tall ? (q[c * m + r] as number) : (q[r * m + c] as number);
      out[r * cols + c] = gain * value;
    }
  }
  return out;
}

/** The first n columns of Q (m x n, column-major) from a Householder QR of a (m x n, column-major, m >= n). */
function householderQ(a: Float64Array, m: number, n: number): Float64Array {
  const vs: Float64Array[] = [];
  const signs = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let norm = 0;
    for (let i = k; i < m; i++) norm += (a[k * m + i] as number) ** 2;
    norm = Math.sqrt(norm);
    const akk = a[k * m + k] as number;
    const alpha = akk >= 0 ? -norm : norm;
    const v = new Float64Array(m);
    for (let i = k; i < m; i++) v[i] = a[k * m + i] as number;
    v[k] = akk - alpha;
    let vNorm = 0;
    for (let i = k; i < m; i++) vNorm += (v[i] as number) ** 2;
    vNorm = Math.sqrt(vNorm);
    if (vNorm > 0) for (let i = k; i < m; i++) v[i] = (v[i] as number) / vNorm;
    // R's diagonal entry is alpha; Haar-distributed Q needs Q * sign(diag(R)).
    signs[k] = alpha >= 0 ? 1 : -1;
    for (let j = k; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += (v[i] as number) * (a[j * m + i] as number);
      for (let i = k; i < m; i++) a[j * m + i] = (a[j * m + i] as number) - 2 * dot * (v[i] as number);
    }
    vs.push(v);
  }
  // Q = H_0 H_1 ... H_{n-1} applied to the first n columns of the identity, last reflection first.
  const q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) q[j * m + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const v = vs[k] as Float64Array;
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += (v[i] as number) * (q[j * m + i] as number);
      if (dot === 0) continue;
      for (let i = k; i < m; i++) q[j * m + i] = (q[j * m + i] as number) - 2 * dot * (v[i] as number);
    }
  }
  for (let j = 0; j < n; j++) {
    const s = signs[j] as number;
    if (s < 0) for (let i = 0; i < m; i++) q[j * m + i] = -(q[j * m + i] as number);
  }
  return q;
}

/** Recurrent kernel [units, gates * units] made of `gates` independent orthogonal [units, units] blocks (PyTorch-style per-gate init). */
export function orthogonalBlocks(units: number, gates: number, random: Random): Float32Array {
  const out = new Float32Array(units * gates * units);
  for (let g = 0; g < gates; g++) {
    const block = orthogonal(units, units, random);
    for (let r = 0; r < units; r++) {
      out.set(block.subarray(r * units, (r + 1) * units), r * gates * units + g * units);
    }
  }
  return out;
}
