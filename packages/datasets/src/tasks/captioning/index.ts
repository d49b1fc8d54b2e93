export { CaptioningParams, captioningDefinition } from "./captioning-definition";
export { captioningTask } from "./captioning-task";
export { bleu1, type Bleu1 } from "./bleu";
export { CAPTION_END, CAPTION_PAD, CAPTION_START, CAPTION_VOCABULARY, decodeCaption } from "./caption-vocabulary";
