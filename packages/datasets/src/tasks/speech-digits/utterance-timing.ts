import { FRAME_SIZE, HOP_SIZE, SAMPLE_RATE } from "./audio-format";
import { LONGEST_DIGIT_MS } from "./digit-phonemes";

/** Silence before the first and after the last digit, in ms: people pause before and after speaking. */
export const EDGE_SILENCE_MS = [50, 200] as const;
/** Pause between digits, in ms: read-out digit strings run from nearly connected to clearly separated. */
export const GAP_MS = [30, 150] as const;
/** Per-utterance tempo around the speaker's own rate. */
export const TEMPO_RANGE = [0.85, 1.15] as const;
/** Per-phoneme duration variation around the utterance's tempo. */
export const PHONEME_JITTER = [0.9, 1.1] as const;
/** Slowest speaker's duration scale (see `voiceOf`). */
export const SLOWEST_SPEAKER = 1.2;

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
