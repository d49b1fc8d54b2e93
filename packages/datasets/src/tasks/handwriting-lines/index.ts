export { HandwritingLinesParams, handwritingLinesDefinition } from "./handwriting-lines-definition";
export { handwritingLinesTask, minimumPitchFor } from "./handwriting-lines-task";
export {
  characterErrorRates,
  ctcCharacterErrorRates,
  ctcGreedyDecode,
  editDistance,
  minimumInputSteps,
  type CharacterErrorRates,
} from "./ctc-text-metrics";
export {
  LINE_BLANK,
  LINE_CLASSES,
  LINE_END,
  LINE_PAD,
  LINE_START,
  decodeLineText,
  encodeLineText,
} from "./line-classes";
export { CURSIVE_FONTS, GOTHIC_FONTS, HERSHEY_FONTS, PRINT_FONTS, type HersheyFont } from "./hershey-fonts";
