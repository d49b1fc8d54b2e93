/**
 * One sound segment for the formant synthesizer. Formants move linearly from `start` to `end` over the segment
 * (diphthongs such as "ay" in "five"); most segments hold them steady.
 */
export interface Phoneme {
  /** Formant frequencies F1, F2, F3 in Hz (adult male values; speakers scale them). */
  start: readonly [number, number, number];
  end: readonly [number, number, number];
  /** Nominal duration in milliseconds. */
  durationMs: number;
  /** Amplitude of the voiced (glottal pulse) source, 0..1. */
  voicing: number;
  /** Amplitude of the noise (frication/aspiration) source, 0..1. */
  frication: number;
  /** Centre and bandwidth in Hz of the noise source's resonance. */
  noiseCentre: number;
  noiseBandwidth: number;
}

function vowel(f: [number, number, number], durationMs: number, to?: [number, number, number]): Phoneme {
  return { start: f, end: to ?? f, durationMs, voicing: 1, frication: 0, noiseCentre: 0, noiseBandwidth: 1 };
}

function sound(
  f: [number, number, number],
  durationMs: number,
  voicing: number,
  frication: number,
  noiseCentre: number,
  noiseBandwidth: number,
): Phoneme {
  return { start: f, end: f, durationMs, voicing, frication, noiseCentre, noiseBandwidth };
}

/**
 * ARPAbet-like segments. Vowel formants are Peterson & Barney's (1952) adult male averages; consonants are coarse
 * (a place of articulation's typical F2 locus, frication band below 4 kHz because the synthesizer runs at 8 kHz).
 */
export const PHONEMES = {
  IY: vowel([270, 2290, 3010], 130),
  IH: vowel([390, 1990, 2550], 100),
  EH: vowel([530, 1840, 2480], 110),
  AH: vowel([640, 1190, 2390], 100),
  AO: vowel([570, 840, 2410], 150),
  UW: vowel([300, 870, 2240], 160),
  OW: vowel([500, 1000, 2400], 170, [350, 800, 2300]),
  AY: vowel([730, 1090, 2440], 190, [320, 2100, 2700]),
  EY: vowel([530, 1840, 2480], 170, [320, 2200, 2900]),
  W: sound([290, 610, 2150], 70, 0.7, 0, 0, 1),
  R: sound([310, 1060, 1380], 70, 0.8, 0, 0, 1),
  N: sound([250, 1700, 2600], 70, 0.45, 0, 0, 1),
  V: sound([300, 1100, 2300], 70, 0.45, 0.15, 2600, 2000),
  Z: sound([300, 1700, 2600], 90, 0.35, 0.5, 3500, 900),
  S: sound([400, 1700, 2600], 110, 0, 0.9, 3550, 800),
  F: sound([400, 1100, 2300], 100, 0, 0.35, 2600, 2400),
  TH: sound([400, 1400, 2600], 90, 0, 0.3, 3000, 2400),
  /** Stop closure: silence before a burst. */
  CL: sound([400, 1700, 2600], 45, 0, 0, 0, 1),
  /** Alveolar burst and aspiration ("t"). */
  TB: sound([400, 1700, 2600], 30, 0, 0.8, 3200, 1500),
  /** Velar burst ("k"): lower and narrower than "t". */
  KB: sound([400, 1700, 2600], 35, 0, 0.7, 1900, 900),
} as const satisfies Record<string, Phoneme>;

/** A phoneme's name. */
export type PhonemeName = keyof typeof PHONEMES;

/** How each digit is spoken, in `PHONEMES`. */
export const DIGIT_PRONUNCIATIONS: readonly (readonly PhonemeName[])[] = [
  ["Z", "IH", "R", "OW"], // zero
  ["W", "AH", "N"], // one
  ["CL", "TB", "UW"], // two
  ["TH", "R", "IY"], // three
  ["F", "AO", "R"], // four
  ["F", "AY", "V"], // five
  ["S", "IH", "CL", "KB", "S"], // six
  ["S", "EH", "V", "AH", "N"], // seven
  ["EY", "CL", "TB"], // eight
  ["N", "AY", "N"], // nine
];

/** The digits' English names, for previews. */
export const DIGIT_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"] as const;

/** Nominal duration of the longest digit, in milliseconds (for sizing the padded input). */
export const LONGEST_DIGIT_MS = Math.max(
  ...DIGIT_PRONUNCIATIONS.map((p) => p.reduce((sum, name) => sum + PHONEMES[name].durationMs, 0)),
);
