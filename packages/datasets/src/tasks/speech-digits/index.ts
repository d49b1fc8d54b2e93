export { SPEECH_BLANK, SpeechDigitsParams, speechDigitsDefinition } from "./speech-digits-definition";
export { decodeDigits, speechDigitsTask } from "./speech-digits-task";
