export { ctcLoss } from "./ctc-loss";
export type { CtcLossOptions, CtcReduction } from "./ctc-loss";
export { ctcGreedyDecode, ctcBeamSearchDecode, ctcBeamSearchDecodeValues } from "./ctc-decode";
export type { CtcGreedyDecodeOptions, CtcBeamSearchOptions, CtcBeamSearchResult } from "./ctc-decode";
export { editDistance, characterErrorRate, wordErrorRate } from "./error-rates";
export type { ErrorRates, Sequence } from "./error-rates";
export { buildLineRecognizer } from "./line-recognizer";
export type { LineRecognizerModel } from "./line-recognizer";
