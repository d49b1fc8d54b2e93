export { SPEECH_BLANK, SpeechDigitsParams, decodeDigits, speechDigitsTask } from "./speech-digits-task";
