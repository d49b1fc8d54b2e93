export { DATE_FORMATS, dateFromDayNumber, isoDate, type DateParts } from "./date-formats";
export { MAX_NUMBER, numberToWords } from "./number-words";
export { SEQ2SEQ_SPECIAL_TOKENS, TextPairCodec } from "./text-pair-codec";
export { TranslationDatesParams, translationDatesTask } from "./translation-dates-task";
export { TranslationNumbersParams, translationNumbersTask } from "./translation-numbers-task";
