/**
 * Sample rate of the synthesized audio: telephone band, enough for F1-F3 and the frication of "s". It and the
 * framing below live apart from the synthesizer and the spectrogram, so the task's spec is known without them.
 */
export const SAMPLE_RATE = 8000;

/** Frame of the short-time analysis, in samples at 8 kHz: 32 ms windows. */
export const FRAME_SIZE = 256;
/** Hop between analysis frames, in samples at 8 kHz: a frame every 16 ms, half overlapping the last. */
export const HOP_SIZE = 128;
