export { SPEECH_BLANK, SpeechDigitsParams, decodeDigits, maxFrames, speechDigitsTask, voiceOf } from "./speech-digits-task";
export { DIGIT_PRONUNCIATIONS, DIGIT_WORDS, PHONEMES, type Phoneme, type PhonemeName } from "./digit-phonemes";
export { SAMPLE_RATE, synthesize, type Segment, type Voice } from "./formant-synthesizer";
export { FRAME_SIZE, HOP_SIZE, fft, logMelSpectrogram, melFilterbank } from "./mel-spectrogram";
