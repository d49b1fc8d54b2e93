export { CaptioningParams, captioningTask, drawSceneForSplit, greedyCaptions } from "./captioning-task";
export { bleu1, type Bleu1 } from "./bleu";
export {
  CAPTION_END,
  CAPTION_PAD,
  CAPTION_START,
  CAPTION_VOCABULARY,
  CAPTION_WORDS,
  decodeCaption,
  encodeCaption,
  type CaptionWord,
} from "./caption-vocabulary";
export { SHAPE_COLOURS, SHAPE_KINDS, captionOf, drawScene, sceneKey, type Scene, type Shape } from "./scene";
export { renderScene } from "./scene-renderer";
