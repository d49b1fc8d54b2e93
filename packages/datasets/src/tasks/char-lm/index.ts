export { CharLmParams, charLmTask } from "./char-lm-task";
export { CORPUS_ALPHABET, corpusSentence } from "./grammar-corpus";
