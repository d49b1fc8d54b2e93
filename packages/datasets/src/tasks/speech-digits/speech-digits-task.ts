import { createRng, type Rng } from "../../random";
import { encodePngBase64, floatsToBytes, upscaleImage } from "../../render/png-encoder";
import { defineTask, drawForSplit, splitSizes, type Sample } from "../../task-helpers";
import { ctcCharacterErrorRates, splitLabels, trivialCerBaselines } from "../handwriting-lines/ctc-text-metrics";
import { HOP_SIZE, SAMPLE_RATE } from "./audio-format";
import { DIGIT_PRONUNCIATIONS, DIGIT_WORDS, PHONEMES } from "./digit-phonemes";
import { synthesize, type Segment, type Voice } from "./formant-synthesizer";
import { logMelSpectrogram, melFilterbank } from "./mel-spectrogram";
import { roughGaussian } from "./rough-gaussian";
import { speechDigitsDefinition } from "./speech-digits-definition";
import { EDGE_SILENCE_MS, GAP_MS, PHONEME_JITTER, SLOWEST_SPEAKER, TEMPO_RANGE } from "./utterance-timing";

export { SpeechDigitsParams } from "./speech-digits-definition";
export { maxFrames } from "./utterance-timing";

/**
 * A speaker's voice, a pure function of (seed, speaker id): 45% adult male, 45% adult female, 10% child-like,
 * with pitch and vocal-tract length (formant scale) in the ranges Peterson & Barney (1952) report for each.
 */
export function voiceOf(seed: number, speaker: number): Voice {
  const rng = createRng(seed, "speech-digits", "speaker", speaker);
  const kind = rng.float();
  const [pitch, scale] =
    kind < 0.45
      ? [rng.uniform(85, 155), rng.uniform(0.92, 1.05)]
      : kind < 0.9
        ? [rng.uniform(165, 255), rng.uniform(1.08, 1.2)]
        : [rng.uniform(230, 300), rng.uniform(1.2, 1.32)];
  return {
    pitchHz: pitch,
    formantScale: scale,
    durationScale: rng.uniform(0.85, SLOWEST_SPEAKER),
    breathiness: rng.float(),
  };
}

/** Text of a label (class ids d + 1): the digits, blanks dropped. */
export function decodeDigits(ids: ArrayLike<number>): string {
  let text = "";
  for (let i = 0; i < ids.length; i++) if (ids[i]! >= 1 && ids[i]! <= 10) text += String(ids[i]! - 1);
  return text;
}

/** The segments of an utterance: silence, digits separated by pauses, silence. */
function utteranceSegments(rng: Rng, digits: readonly number[], voice: Voice): Segment[] {
  const tempo = voice.durationScale * rng.uniform(...TEMPO_RANGE);
  const segments: Segment[] = [{ phoneme: null, durationMs: rng.uniform(...EDGE_SILENCE_MS) }];
  digits.forEach((digit, i) => {
    if (i > 0) segments.push({ phoneme: null, durationMs: rng.uniform(...GAP_MS) });
    for (const phoneme of DIGIT_PRONUNCIATIONS[digit]!) {
      segments.push({ phoneme, durationMs: PHONEMES[phoneme].durationMs * tempo * rng.uniform(...PHONEME_JITTER) });
    }
  });
  segments.push({ phoneme: null, durationMs: rng.uniform(...EDGE_SILENCE_MS) });
  return segments;
}

/**
 * Spoken digit strings, synthesized: each utterance is a speaker from a fixed pool reading 1-5 digits with a
 * formant synthesizer (pitch, vocal-tract length, tempo and breathiness vary by speaker; tempo, pauses, pitch
 * contour and white noise by utterance), analysed into a log-mel spectrogram (32 ms Hann frames every 16 ms, FFT,
 * triangular mel filters). Targets are the digits (classes 1-10, blank 0), read with CTC.
 *
 * Splits are speaker-disjoint, as in TIDIGITS: a speaker id hashes to one split, so validation and test voices are
 * never heard in training; digit strings themselves are shared.
 */
export const speechDigitsTask = defineTask({
  ...speechDigitsDefinition,
  setup(params, seed) {
    const spec = speechDigitsDefinition.specFor(params);
    const filters = melFilterbank(params.melBins, SAMPLE_RATE);
    // Baselines need labels only; while set, `sample` skips synthesis (synchronous, reset before returning).
    let labelsOnly = false;
    // The speaker of each sample, for previews (the dashboard shows who speaks); weak, so batches free it.
    const speakers = new WeakMap<Sample, number>();
    return {
      spec,
      sizes: splitSizes(params),
      sample(rng, _index, split): Sample {
        const speaker = drawForSplit(
          rng.split("speaker"),
          split,
          (r) => r.int(0, params.speakers),
          (id) => `speaker-${id}`,
        );
        const count = rng.int(params.minDigits, params.maxDigits + 1);
        const digits = Array.from({ length: count }, () => rng.int(0, 10));
        const label = digits.map((d) => d + 1);
        if (labelsOnly) return { input: { values: new Float32Array(0), steps: 0 }, target: { tokens: label } };
        const voice = voiceOf(seed, speaker);
        const audio = synthesize(rng.split("voice"), utteranceSegments(rng, digits, voice), voice);
        // White noise at the drawn SNR relative to the utterance's mean power (silences included).
        let power = 0;
        for (let i = 0; i < audio.length; i++) power += audio[i]! * audio[i]!;
        const noiseStd = Math.sqrt(power / audio.length) / 10 ** (rng.uniform(params.minSnrDb, params.maxSnrDb) / 20);
        const noise = rng.split("noise");
        for (let i = 0; i < audio.length; i++) audio[i] = audio[i]! + noiseStd * roughGaussian(noise);
        const { values, frames } = logMelSpectrogram(audio, filters);
        // Standardize per utterance (mean 0, std 1 over its real frames): loudness then carries no information,
        // and inputs sit where initializers expect them.
        let mean = 0;
        for (let i = 0; i < values.length; i++) mean += values[i]!;
        mean /= values.length;
        let variance = 0;
        for (let i = 0; i < values.length; i++) variance += (values[i]! - mean) ** 2;
        const std = Math.sqrt(variance / values.length) || 1;
        for (let i = 0; i < values.length; i++) values[i] = (values[i]! - mean) / std;
        const sample: Sample = { input: { values, steps: frames }, target: { tokens: label } };
        speakers.set(sample, speaker);
        return sample;
      },
      metrics(batch, output) {
        const { cer, corpusCer, accuracy } = ctcCharacterErrorRates(spec, batch, output);
        return { cer, corpusCer, accuracy };
      },
      baseline(split, source) {
        labelsOnly = true;
        try {
          return trivialCerBaselines(splitLabels(source, "train"), splitLabels(source, split), 1);
        } finally {
          labelsOnly = false;
        }
      },
      preview(sample) {
        const values = "values" in sample.input ? sample.input.values : new Float32Array(0);
        const frames = "steps" in sample.input ? sample.input.steps : 0;
        const bins = params.melBins;
        const text = "tokens" in sample.target ? decodeDigits(sample.target.tokens) : "";
        // Frequency upwards, time to the right, as spectrograms are drawn; -2.5..2.5 std covers nearly all values.
        const image = new Float32Array(frames * bins);
        for (let t = 0; t < frames; t++) {
          for (let m = 0; m < bins; m++) image[(bins - 1 - m) * frames + t] = values[t * bins + m]!;
        }
        const png = upscaleImage(
          { width: frames, height: bins, channels: 1, data: floatsToBytes(image, -2.5, 2.5) },
          3,
        );
        return {
          input:
            `${frames} frames x ${bins} log-mel features (${((frames * HOP_SIZE) / SAMPLE_RATE).toFixed(2)} s), ` +
            `speaker ${speakers.get(sample) ?? "?"}`,
          target: `${text} (${[...text].map((d) => DIGIT_WORDS[Number(d)]).join(" ")})`,
          pngBase64: encodePngBase64(png),
        };
      },
      decodeTarget: decodeDigits,
    };
  },
});
