import { FRAME_SIZE, HOP_SIZE, fft, logMelSpectrogram, melFilterbank } from "./mel-spectrogram";

describe("fft", () => {
  it("matches a direct DFT to 1e-9", () => {
    const n = 64;
    const re = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 0.7) + 0.3 * Math.cos(i * 2.1) + (i % 5) / 10);
    const im = Float64Array.from({ length: n }, (_, i) => ((i * 7) % 3) / 5);
    const [xr, xi] = [Float64Array.from(re), Float64Array.from(im)];
    fft(re, im);
    for (let k = 0; k < n; k++) {
      let sr = 0;
      let si = 0;
      for (let t = 0; t < n; t++) {
        const a = (-2 * Math.PI * k * t) / n;
        sr += xr[t]! * Math.cos(a) - xi[t]! * Math.sin(a);
        si += xr[t]! * Math.sin(a) + xi[t]! * Math.cos(a);
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

  it("puts a pure tone's energy in the mel band around its frequency", () => {
    for (const hz of [300, 1000, 2500]) {
      const audio = Float32Array.from({ length: 4000 }, (_, i) => Math.sin((2 * Math.PI * hz * i) / 8000));
      const { values, frames } = logMelSpectrogram(audio, filters);
      expect(frames).toBe(Math.floor((4000 - FRAME_SIZE) / HOP_SIZE) + 1);
      const frame = Array.from(values.subarray(10 * 20, 11 * 20));
      const loudest = frame.indexOf(Math.max(...frame));
      // The loudest band's triangle must contain the tone.
      expect(filters[loudest]![Math.round((hz * FRAME_SIZE) / 8000)]).toBeGreaterThan(0);
    }
  });
});
