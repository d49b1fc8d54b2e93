import { FRAME_SIZE, HOP_SIZE, fft, logMelSpectrogram, melFilterbank } from "./mel-spectrogram";

// Local copies: Math lookups through the Jest sandbox's global are slow in the reference DFT loops.
const { PI, cos, sin } = Math;

describe("fft", () => {
  it("matches a direct DFT to 1e-9", () => {
    const n = 64;
    const re = Float64Array.from({ length: n }, (_, i) => sin(i * 0.7) + 0.3 * cos(i * 2.1) + (i % 5) / 10);
    const im = Float64Array.from({ length: n }, (_, i) => ((i * 7) % 3) / 5);
    const [xr, xi] = [Float64Array.from(re), Float64Array.from(im)];
    fft(re, im);
    for (let k = 0; k < n; k++) {
      let sr = 0;
      let si = 0;
      for (let t = 0; t < n; t++) {
        const a = (-2 * PI * k * t) / n;
        sr += xr[t]! * cos(a) - xi[t]! * sin(a);
        si += xr[t]! * sin(a) + xi[t]! * cos(a);
      }
      expect(Math.abs(re[k]! - sr)).toBeLessThan(1e-9);
      expect(Math.abs(im[k]! - si)).toBeLessThan(1e-9);
    }
  });

  it("rejects lengths that are not powers of two", () => {
    expect(() => fft(new Float64Array(6), new Float64Array(6))).toThrow(/power of two/);
  });
});

describe("logMelSpectrogram", () => {
  const filters = melFilterbank(20, 8000);

  it("has triangles that rise in centre frequency and cover 60-3800 Hz", () => {
    const peaks = filters.map((w) => w.indexOf(Math.max(...w)));
    for (let m = 1; m < peaks.length; m++) expect(peaks[m]!).toBeGreaterThanOrEqual(peaks[m - 1]!);
    expect(peaks[0]! * (8000 / FRAME_SIZE)).toBeLessThan(200);
    expect(peaks[19]! * (8000 / FRAME_SIZE)).toBeGreaterThan(3000);
  });

  it("equals a direct per-frame DFT (frames are paired into one complex FFT), odd frame counts included", () => {
    const audio = Float32Array.from(
      { length: FRAME_SIZE + 4 * HOP_SIZE },
      (_, i) => sin(i * 0.31) * cos(i * 0.017) + ((i * 37) % 11) / 30,
    );
    const { values, frames } = logMelSpectrogram(audio, filters);
    expect(frames).toBe(5);
    for (let t = 0; t < frames; t++) {
      const power: number[] = [];
      for (let k = 0; k <= FRAME_SIZE / 2; k++) {
        let sr = 0;
        let si = 0;
        for (let i = 0; i < FRAME_SIZE; i++) {
          const x = audio[t * HOP_SIZE + i]! * (0.5 - 0.5 * cos((2 * PI * i) / FRAME_SIZE));
          sr += x * cos((-2 * PI * k * i) / FRAME_SIZE);
          si += x * sin((-2 * PI * k * i) / FRAME_SIZE);
        }
        power.push((sr * sr + si * si) / FRAME_SIZE);
      }
      filters.forEach((w, m) => {
        const energy = power.reduce((sum, p, k) => sum + p * w[k]!, 0);
        expect(values[t * 20 + m]).toBeCloseTo(Math.log(energy + 1e-8), 4);
      });
    }
  });

  it("puts a pure tone's energy in the mel band around its frequency", () => {
    for (const hz of [300, 1000, 2500]) {
      const audio = Float32Array.from({ length: 4000 }, (_, i) => sin((2 * PI * hz * i) / 8000));
      const { values, frames } = logMelSpectrogram(audio, filters);
      expect(frames).toBe(Math.floor((4000 - FRAME_SIZE) / HOP_SIZE) + 1);
      const frame = Array.from(values.subarray(10 * 20, 11 * 20));
      const loudest = frame.indexOf(Math.max(...frame));
      // The loudest band's triangle must contain the tone.
      expect(filters[loudest]![Math.round((hz * FRAME_SIZE) / 8000)]).toBeGreaterThan(0);
    }
  });
});
