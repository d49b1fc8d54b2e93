export { DATE_FORMATS, dateFromDayNumber, isoDate, type DateParts } from "./date-formats";
export { MAX_NUMBER, numberToWords } from "./number-words";
export { SEQ2SEQ_SPECIAL_TOKENS, TextPairCodec } from "./text-pair-codec";
export { TranslationDatesParams, translationDatesDefinition } from "./translation-dates-definition";
export { translationDatesTask } from "./translation-dates-task";
export { TranslationNumbersParams, translationNumbersDefinition } from "./translation-numbers-definition";
export { translationNumbersTask } from "./translation-numbers-task";
