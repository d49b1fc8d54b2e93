import { z } from "zod";
import { createRng, type Rng } from "../../random";
import { encodePngBase64, floatsToBytes, upscaleImage } from "../../render/png-encoder";
import {
  defineTask,
  drawForSplit,
  intParam,
  numberParam,
  splitSizeParams,
  splitSizes,
  type Sample,
} from "../../task-helpers";
import type { SplitName, TaskSpec } from "../../types";
import { ctcCharacterErrorRates, splitLabels, trivialCerBaselines } from "../handwriting-lines/ctc-text-metrics";
import { DIGIT_PRONUNCIATIONS, DIGIT_WORDS, LONGEST_DIGIT_MS, PHONEMES } from "./digit-phonemes";
import { SAMPLE_RATE, synthesize, type Segment, type Voice } from "./formant-synthesizer";
import { FRAME_SIZE, HOP_SIZE, logMelSpectrogram, melFilterbank } from "./mel-spectrogram";
import { roughGaussian } from "./rough-gaussian";
import { requireAtMost } from "../handwriting-lines/ordered-params";

/** Class id of the CTC blank; digit d is class d + 1. */
export const SPEECH_BLANK = 0;

/** Silence before the first and after the last digit, in ms: people pause before and after speaking. */
const EDGE_SILENCE_MS = [50, 200] as const;
/** Pause between digits, in ms: read-out digit strings run from nearly connected to clearly separated. */
const GAP_MS = [30, 150] as const;
/** Per-utterance tempo around the speaker's own rate, and per-phoneme variation around that. */
const TEMPO_RANGE = [0.85, 1.15] as const;
const PHONEME_JITTER = [0.9, 1.1] as const;
/** Slowest speaker's duration scale (see `voiceOf`). */
const SLOWEST_SPEAKER = 1.2;

/** Parameters of the speech-digits task. */
export const SpeechDigitsParams = z
  .object({
    minDigits: intParam("minDigits", { default: 1, min: 1, max: 20, description: "Fewest digits per utterance" }),
    maxDigits: intParam("maxDigits", {
      default: 5,
      min: 1,
      max: 20,
      description: "Most digits per utterance; also the padded target length",
    }),
    melBins: intParam("melBins", { default: 20, min: 8, max: 64, description: "Log-mel features per frame" }),
    speakers: intParam("speakers", {
      default: 1000,
      min: 30,
      max: 1_000_000,
      description: "Speakers in the pool; each belongs to one split (10% validation, 10% test)",
    }),
    minSnrDb: numberParam("minSnrDb", {
      default: 15,
      min: -10,
      max: 80,
      description: "Lowest signal-to-noise ratio of the added white noise, in dB",
    }),
    maxSnrDb: numberParam("maxSnrDb", {
      default: 40,
      min: -10,
      max: 80,
      description: "Highest signal-to-noise ratio, in dB; each utterance draws one uniformly",
    }),
    ...splitSizeParams({ train: 10_000, validation: 1000, test: 1000 }),
  })
  .superRefine((p, ctx) => {
    requireAtMost(ctx, p, "minDigits", "maxDigits");
    requireAtMost(ctx, p, "minSnrDb", "maxSnrDb");
  });
/** Parameters of the speech-digits task. */
export type SpeechDigitsParams = z.infer<typeof SpeechDigitsParams>;

/** Longest possible utterance in frames: edge silences, maxDigits slow digits and the longest gaps. */
export function maxFrames(maxDigits: number): number {
  const ms =
    2 * EDGE_SILENCE_MS[1] +
    maxDigits * LONGEST_DIGIT_MS * SLOWEST_SPEAKER * TEMPO_RANGE[1] * PHONEME_JITTER[1] +
    (maxDigits - 1) * GAP_MS[1];
  // Each segment rounds to whole samples, so allow one extra sample per segment.
  const samples = Math.ceil((ms / 1000) * SAMPLE_RATE) + 8 * maxDigits + 2;
  return Math.floor((samples - FRAME_SIZE) / HOP_SIZE) + 1;
}

function speechSpec(params: SpeechDigitsParams): TaskSpec {
  return {
    problemType: "many-to-many-unaligned",
    inputFeatures: params.melBins,
    inputLength: maxFrames(params.maxDigits),
    outputKind: "classes",
    outputSize: 11,
    targetLength: params.maxDigits,
    heads: ["ctc"],
    blank: SPEECH_BLANK,
  };
}

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
  name: "speech-digits",
  title: "Spoken digits (synthetic speech, CTC)",
  description:
    "Transcribe synthetic spoken digit strings (1-5 digits at the defaults) from log-mel frames (20 features every " +
    "16 ms) with CTC. " +
    "Speakers differ in pitch, vocal-tract length and tempo; test speakers are unseen. Predicting nothing scores CER 1.",
  problemType: "many-to-many-unaligned",
  params: SpeechDigitsParams,
  metric: {
    name: "cer",
    higherIsBetter: false,
    description:
      "Digit error rate: per utterance, edit distance / max(prediction length, label length), averaged (FSDL's " +
      "CER); `corpusCer` is total edits / total digits; `accuracy` is the fraction transcribed exactly",
  },
  specFor: speechSpec,
  setup(params, seed) {
    const spec = speechSpec(params);
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
