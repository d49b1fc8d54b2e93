import { FRAME_SIZE, HOP_SIZE } from "./audio-format";

export { FRAME_SIZE, HOP_SIZE } from "./audio-format";

// Module-scope copies of Math members: inside vm contexts (Jest) every global lookup goes through an
// interceptor, which made these hot loops several times slower.
const { PI, cos, floor, log, log10, sin } = Math;

/** Bit-reversal permutation and twiddle factors for one FFT length, computed once per length. */
interface FftTables {
  reversed: Uint32Array;
  cosines: Float64Array;
  sines: Float64Array;
}

const FFT_TABLES = new Map<number, FftTables>();

function fftTables(n: number): FftTables {
  let tables = FFT_TABLES.get(n);
  if (!tables) {
    const reversed = new Uint32Array(n);
    const bits = Math.round(Math.log2(n));
    for (let i = 0; i < n; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
      reversed[i] = r;
    }
    const cosines = new Float64Array(n / 2);
    const sines = new Float64Array(n / 2);
    for (let k = 0; k < n / 2; k++) {
      cosines[k] = cos((-2 * PI * k) / n);
      sines[k] = sin((-2 * PI * k) / n);
    }
    tables = { reversed, cosines, sines };
    FFT_TABLES.set(n, tables);
  }
  return tables;
}

/** In-place iterative radix-2 FFT of (re, im) with table twiddles; length must be a power of two. */
export function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  if (n === 0 || (n & (n - 1)) !== 0 || im.length !== n)
    throw new Error(`fft: length must be a power of two, got ${n}`);
  const { reversed, cosines, sines } = fftTables(n);
  for (let i = 0; i < n; i++) {
    const j = reversed[i]!;
    if (i < j) {
      const r = re[i]!;
      re[i] = re[j]!;
      re[j] = r;
      const m = im[i]!;
      im[i] = im[j]!;
      im[j] = m;
    }
  }
  for (let size = 2; size <= n; size <<= 1) {
    const half = size >> 1;
    const stride = n / size;
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < half; k++) {
        const cr = cosines[k * stride]!;
        const ci = sines[k * stride]!;
        const a = start + k;
        const b = a + half;
        const tr = re[b]! * cr - im[b]! * ci;
        const ti = re[b]! * ci + im[b]! * cr;
        re[b] = re[a]! - tr;
        im[b] = im[a]! - ti;
        re[a] = re[a]! + tr;
        im[a] = im[a]! + ti;
      }
    }
  }
}

function hzToMel(hz: number): number {
  return 2595 * log10(1 + hz / 700);
}

function melToHz(mel: number): number {
  return 700 * (10 ** (mel / 2595) - 1);
}

/**
 * Triangular mel filters (HTK mel scale) over the `FRAME_SIZE / 2 + 1` power-spectrum bins, from `lowHz` to
 * `highHz`: `bins` rows of weights.
 */
export function melFilterbank(bins: number, sampleRate: number, lowHz = 60, highHz = 3800): Float64Array[] {
  const spectrumBins = FRAME_SIZE / 2 + 1;
  const low = hzToMel(lowHz);
  const high = hzToMel(highHz);
  const edges: number[] = [];
  for (let i = 0; i < bins + 2; i++) edges.push(melToHz(low + ((high - low) * i) / (bins + 1)));
  const filters: Float64Array[] = [];
  for (let m = 0; m < bins; m++) {
    const [left, centre, right] = [edges[m]!, edges[m + 1]!, edges[m + 2]!];
    const weights = new Float64Array(spectrumBins);
    for (let k = 0; k < spectrumBins; k++) {
      const hz = (k * sampleRate) / FRAME_SIZE;
      if (hz > left && hz < right) {
        weights[k] = hz <= centre ? (hz - left) / (centre - left) : (right - hz) / (right - centre);
      }
    }
    filters.push(weights);
  }
  return filters;
}

/** The (periodic) Hann window, computed once. */
const HANN = Float64Array.from({ length: FRAME_SIZE }, (_, i) => 0.5 - 0.5 * cos((2 * PI * i) / FRAME_SIZE));

/** Floor added to mel energies before the logarithm: -80 dB below a full-scale sine, the quietest we care about. */
const ENERGY_FLOOR = 1e-8;

/**
 * Log-mel spectrogram of `audio`: Hann-windowed frames of `FRAME_SIZE` every `HOP_SIZE` samples, power spectrum
 * by FFT, triangular mel filters, natural log. Returns [frames, bins] row-major and the frame count.
 */
export function logMelSpectrogram(
  audio: Float32Array,
  filters: readonly Float64Array[],
): { values: Float32Array; frames: number } {
  const frames = audio.length < FRAME_SIZE ? 0 : floor((audio.length - FRAME_SIZE) / HOP_SIZE) + 1;
  const bins = filters.length;
  const values = new Float32Array(frames * bins);
  const re = new Float64Array(FRAME_SIZE);
  const im = new Float64Array(FRAME_SIZE);
  const power = new Float64Array(FRAME_SIZE / 2 + 1);
  // Each triangle is non-zero on a short run of bins; summing only that run is ~6x faster than the full row.
  const runs = filters.map((w) => {
    let first = w.findIndex((v) => v > 0);
    if (first < 0) first = 0;
    let last = w.length - 1;
    while (last > first && w[last] === 0) last--;
    return { first, last };
  });
  const n = FRAME_SIZE;
  const melOf = (t: number, power: Float64Array) => {
    for (let m = 0; m < bins; m++) {
      const w = filters[m]!;
      const { first, last } = runs[m]!;
      let energy = 0;
      for (let k = first; k <= last; k++) energy += w[k]! * power[k]!;
      values[t * bins + m] = log(energy + ENERGY_FLOOR);
    }
  };
  const powerB = new Float64Array(n / 2 + 1);
  // Two real frames per complex FFT (frame t as the real part, t + 1 as the imaginary part), separated again by
  // conjugate symmetry: X1[k] = (Z[k] + conj Z[n-k]) / 2, X2[k] = (Z[k] - conj Z[n-k]) / 2i. Halves the FFTs.
  for (let t = 0; t < frames; t += 2) {
    const paired = t + 1 < frames;
    for (let i = 0; i < n; i++) {
      re[i] = audio[t * HOP_SIZE + i]! * HANN[i]!;
      im[i] = paired ? audio[(t + 1) * HOP_SIZE + i]! * HANN[i]! : 0;
    }
    fft(re, im);
    for (let k = 0; k <= n / 2; k++) {
      const nk = (n - k) % n;
      const sumRe = re[k]! + re[nk]!;
      const diffIm = im[k]! - im[nk]!;
      const sumIm = im[k]! + im[nk]!;
      const diffRe = re[k]! - re[nk]!;
      power[k] = (sumRe * sumRe + diffIm * diffIm) / (4 * n);
      powerB[k] = (sumIm * sumIm + diffRe * diffRe) / (4 * n);
    }
    melOf(t, power);
    if (paired) melOf(t + 1, powerB);
  }
  return { values, frames };
}
