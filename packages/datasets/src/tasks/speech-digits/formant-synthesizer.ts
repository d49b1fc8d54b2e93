import type { Rng } from "../../random";
import { SAMPLE_RATE } from "./audio-format";
import { PHONEMES, type PhonemeName } from "./digit-phonemes";
import { roughGaussian } from "./rough-gaussian";

export { SAMPLE_RATE } from "./audio-format";

// Module-scope copies of Math members: inside vm contexts (Jest) every global lookup goes through an
// interceptor, which made these hot loops several times slower.
const { PI, abs, cos, exp, min, round, sqrt } = Math;

/** A voice: how one speaker differs from the nominal adult male the phoneme table describes. */
export interface Voice {
  /** Mean pitch in Hz (about 85-180 for men, 165-255 for women, higher for children). */
  pitchHz: number;
  /** Multiplies every formant: shorter vocal tracts have higher formants (women ~1.15, children ~1.3). */
  formantScale: number;
  /** Multiplies every duration: 1.25 speaks a quarter slower. */
  durationScale: number;
  /** Breathiness: noise mixed into the voiced source, 0..1. */
  breathiness: number;
}

/** One segment to speak: a phoneme with this utterance's duration, or silence. */
export interface Segment {
  phoneme: PhonemeName | null;
  durationMs: number;
}

/** Formant bandwidths in Hz for F1-F3 (Klatt's defaults are of this order). */
const BANDWIDTHS = [70, 100, 160];
/** Coefficients are recomputed every this many samples (2 ms): formants move slowly, trigonometry is costly. */
const COEFFICIENT_INTERVAL = 16;
/** Time constants, in seconds, of the one-pole smoothers that blend neighbouring segments (coarticulation). */
const FORMANT_SMOOTHING_S = 0.012;
const AMPLITUDE_SMOOTHING_S = 0.006;

/** A two-pole resonator (Klatt 1980): y[n] = a x[n] + b y[n-1] + c y[n-2], unit gain at 0 Hz. */
class Resonator {
  private a = 0;
  private b = 0;
  private c = 0;
  private y1 = 0;
  private y2 = 0;

  tune(frequency: number, bandwidth: number, peakNormalized = false): void {
    const r = exp((-PI * bandwidth) / SAMPLE_RATE);
    const theta = (2 * PI * frequency) / SAMPLE_RATE;
    this.c = -r * r;
    this.b = 2 * r * cos(theta);
    // Unit gain at 0 Hz suits the voiced cascade; noise wants unit gain near the centre instead.
    this.a = peakNormalized ? (1 - r) * sqrt(1 - 2 * r * cos(2 * theta) + r * r) : 1 - this.b - this.c;
  }

  step(x: number): number {
    const y = this.a * x + this.b * this.y1 + this.c * this.y2;
    this.y2 = this.y1;
    this.y1 = y;
    return y;
  }
}

/**
 * Synthesizes segments with a cascade formant synthesizer (Klatt-style, much reduced): a glottal pulse train at the
 * voice's pitch through three formant resonators, plus band-passed noise for fricatives and bursts. Segment
 * targets are blended by one-pole smoothing, so formants glide between phonemes as in real speech. Returns audio
 * at `SAMPLE_RATE`, peak-normalized to 1.
 */
export function synthesize(rng: Rng, segments: readonly Segment[], voice: Voice): Float32Array {
  const total = segments.reduce((n, s) => n + round((s.durationMs / 1000) * SAMPLE_RATE), 0);
  const out = new Float32Array(total);
  const f1 = new Resonator();
  const f2 = new Resonator();
  const f3 = new Resonator();
  const noiseFilter = new Resonator();
  const formantAlpha = 1 - exp(-1 / (FORMANT_SMOOTHING_S * SAMPLE_RATE));
  const amplitudeAlpha = 1 - exp(-1 / (AMPLITUDE_SMOOTHING_S * SAMPLE_RATE));
  const first = segments.find((s) => s.phoneme !== null)?.phoneme;
  const f = first ? PHONEMES[first].start.map((v) => v * voice.formantScale) : [500, 1500, 2500];
  let voicing = 0;
  let frication = 0;
  let noiseCentre = 3000;
  let noiseBandwidth = 1000;
  let phase = 0;
  let glottal = 0;
  // Pitch falls through an utterance (declination) and wanders slightly, as it does in read-out digit strings.
  const pitchStart = voice.pitchHz * rng.uniform(1.02, 1.12);
  const pitchEnd = voice.pitchHz * rng.uniform(0.85, 0.95);
  const bandwidthScale = sqrt(voice.formantScale);
  let n = 0;
  for (const segment of segments) {
    const length = round((segment.durationMs / 1000) * SAMPLE_RATE);
    const phoneme = segment.phoneme === null ? null : PHONEMES[segment.phoneme];
    for (let i = 0; i < length; i++, n++) {
      const t = length > 1 ? i / (length - 1) : 0;
      const targetVoicing = phoneme ? phoneme.voicing : 0;
      const targetFrication = phoneme ? phoneme.frication : 0;
      voicing += amplitudeAlpha * (targetVoicing - voicing);
      frication += amplitudeAlpha * (targetFrication - frication);
      if (phoneme) {
        for (let k = 0; k < 3; k++) {
          const target = (phoneme.start[k]! + (phoneme.end[k]! - phoneme.start[k]!) * t) * voice.formantScale;
          f[k]! += formantAlpha * (target - f[k]!);
        }
        if (phoneme.frication > 0) {
          noiseCentre = min(phoneme.noiseCentre * sqrt(voice.formantScale), 0.45 * SAMPLE_RATE);
          noiseBandwidth = phoneme.noiseBandwidth;
        }
      }
      if (n % COEFFICIENT_INTERVAL === 0) {
        f1.tune(f[0]!, BANDWIDTHS[0]! * bandwidthScale);
        f2.tune(f[1]!, BANDWIDTHS[1]! * bandwidthScale);
        f3.tune(f[2]!, BANDWIDTHS[2]! * bandwidthScale);
        if (frication > 1e-4) noiseFilter.tune(noiseCentre, noiseBandwidth, true);
      }
      const pitch = pitchStart + (pitchEnd - pitchStart) * (n / total);
      phase += pitch / SAMPLE_RATE;
      let pulse = 0;
      if (phase >= 1) {
        phase -= 1;
        pulse = 1;
      }
      // Silent stretches skip the random draws: they are most of the cost, and inaudible there.
      const aspiration = voicing > 1e-3 && voice.breathiness > 0 ? voice.breathiness * 0.05 * roughGaussian(rng) : 0;
      // A one-pole low-pass turns impulses into smooth glottal pulses (spectral tilt of about -12 dB/octave).
      glottal += 0.25 * (pulse + aspiration - glottal);
      const voiced = f3.step(f2.step(f1.step(glottal * voicing)));
      const noise = frication > 1e-4 ? noiseFilter.step(roughGaussian(rng)) * frication : noiseFilter.step(0);
      out[n] = voiced + 4 * noise;
    }
  }
  let peak = 0;
  for (let i = 0; i < total; i++) peak = Math.max(peak, abs(out[i]!));
  if (peak > 0) for (let i = 0; i < total; i++) out[i] = out[i]! / peak;
  return out;
}
