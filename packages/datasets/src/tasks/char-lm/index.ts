export { CharLmParams, charLmDefinition } from "./char-lm-definition";
export { charLmTask } from "./char-lm-task";
export { CORPUS_ALPHABET, corpusSentence } from "./grammar-corpus";
