import { createRng } from "../../random";
import { SAMPLE_RATE, synthesize } from "./formant-synthesizer";
import { logMelSpectrogram, melFilterbank } from "./mel-spectrogram";

const voice = { pitchHz: 120, formantScale: 1, durationScale: 1, breathiness: 0 };
const filters = melFilterbank(40, SAMPLE_RATE);

/** Mean log-mel energy per band over the middle of a steady sound. */
function meanSpectrum(audio: Float32Array): number[] {
  const { values, frames } = logMelSpectrogram(audio, filters);
  const mean = new Array<number>(40).fill(0);
  const from = Math.floor(frames / 3);
  const to = Math.floor((2 * frames) / 3);
  for (let t = from; t < to; t++) for (let m = 0; m < 40; m++) mean[m]! += values[t * 40 + m]! / (to - from);
  return mean;
}

/** The mel band whose triangle weighs the FFT bin of `hz` most. */
function bandOf(hz: number): number {
  const bin = Math.round((hz * 256) / SAMPLE_RATE);
  let best = 0;
  for (let m = 0; m < filters.length; m++) if (filters[m]![bin]! > filters[best]![bin]!) best = m;
  return best;
}

describe("synthesize", () => {
  it("is deterministic, peak-normalized and as long as its segments", () => {
    const segments = [
      { phoneme: "AO" as const, durationMs: 300 },
      { phoneme: null, durationMs: 100 },
    ];
    const a = synthesize(createRng(1), segments, voice);
    const b = synthesize(createRng(1), segments, voice);
    expect(a.length).toBe(0.4 * SAMPLE_RATE);
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    expect(Math.max(...a.map(Math.abs))).toBeCloseTo(1, 6);
  });

  it("puts a vowel's energy at its formants: 'ee' is strong near 2.3 kHz, 'aw' is not", () => {
    const ee = meanSpectrum(synthesize(createRng(2), [{ phoneme: "IY", durationMs: 600 }], voice));
    const aw = meanSpectrum(synthesize(createRng(2), [{ phoneme: "AO", durationMs: 600 }], voice));
    const f2ee = bandOf(2290);
    const f2aw = bandOf(840);
    // Relative to each sound's own level at 1.5 kHz, where neither has a formant.
    const ref = bandOf(1500);
    expect(ee[f2ee]! - ee[ref]!).toBeGreaterThan(aw[f2ee]! - aw[ref]! + 1);
    expect(aw[f2aw]! - aw[ref]!).toBeGreaterThan(ee[f2aw]! - ee[ref]! + 1);
  });

  it("makes 's' a high-frequency noise: its energy sits above 3 kHz", () => {
    const s = meanSpectrum(synthesize(createRng(3), [{ phoneme: "S", durationMs: 600 }], voice));
    expect(s[bandOf(3500)]!).toBeGreaterThan(s[bandOf(500)]! + 2);
  });
});
