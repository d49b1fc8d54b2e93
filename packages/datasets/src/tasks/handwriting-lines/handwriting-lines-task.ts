import type { Rng } from "../../random";
import { encodePngBase64, floatsToBytes } from "../../render/png-encoder";
import { defineTask, splitOfContent, splitSizes, type Sample } from "../../task-helpers";
import type { SplitName } from "../../types";
import { ctcCharacterErrorRates, minimumInputSteps, splitLabels, trivialCerBaselines } from "./ctc-text-metrics";
import { handwritingLinesDefinition, lineFonts, type HandwritingLinesParams } from "./handwriting-lines-definition";
import { LINE_CLASSES, decodeLineText, encodeLineText } from "./line-classes";
import { stepsCovering, textExtent } from "./line-coverage";
import { renderLine, type LineStyle } from "./line-renderer";
import { drawLineText } from "./line-text";

export { HandwritingLinesParams } from "./handwriting-lines-definition";
export { stepsCovering, textExtent } from "./line-coverage";

/**
 * The smallest cell pitch (pixels) at which `label` fits the output steps that reach its last character's centre,
 * or null if it does not fit even without overlap. The renderer caps the line's overlap with it, so dense
 * overlaps never produce a label CTC cannot emit.
 */
export function minimumPitchFor(
  label: readonly number[],
  cell: number,
  width: number,
  outputSteps: number,
): number | null {
  const needed = minimumInputSteps(label);
  for (let pitch = 1; pitch <= cell; pitch++) {
    if (stepsCovering(textExtent(label.length, pitch, cell), width, outputSteps) >= needed) return pitch;
  }
  return null;
}

/** A text for `split` whose label fits the output steps at some overlap, and the pitch that makes it fit. */
function drawFeasibleText(
  rng: Rng,
  split: SplitName,
  params: HandwritingLinesParams,
): { text: string; label: number[]; minimumPitch: number } {
  const width = params.maxLength * params.imageHeight;
  // Validation and test own 10% of texts each, so about 10 draws; 10,000 only trips on a broken configuration.
  for (let attempt = 0; attempt < 10_000; attempt++) {
    const text = drawLineText(rng, params.maxTextLength);
    if (text.length === 0 || splitOfContent(text) !== split) continue;
    const label = encodeLineText(text);
    const minimumPitch = minimumPitchFor(label, params.imageHeight, width, params.outputStepsHint);
    if (minimumPitch !== null) return { text, label, minimumPitch };
  }
  throw new Error(`handwriting-lines: no feasible text for split "${split}" after 10000 draws`);
}

/**
 * Handwriting lines: FSDL lab 3's synthetic "EMNIST lines" recipe with Hershey stroke fonts standing in for EMNIST
 * glyphs and a shipped word list standing in for the Brown corpus. Inputs are the line image as a sequence of pixel
 * columns (inputLength = width, inputFeatures = height, every column real, so input masks are all 1); targets are
 * FSDL's 83 class ids (blank 0), read with CTC.
 *
 * Differs from FSDL: target padding is 0 (the blank) with `targetMask`/`targetLengths` marking the label, as every
 * seqlab batch pads with zeros, where FSDL pads with `<P>` (3) and finds the label length at the first `<P>`.
 * Texts are assigned to splits by a hash of the text, so no validation or test text ever appears in train.
 */
export const handwritingLinesTask = defineTask({
  ...handwritingLinesDefinition,
  setup(params) {
    const spec = handwritingLinesDefinition.specFor(params);
    const width = spec.inputLength;
    const height = params.imageHeight;
    const style: LineStyle = {
      height,
      width,
      fonts: lineFonts(params),
      maxOverlap: params.maxOverlap,
      maxSlant: params.maxSlant,
      minScale: params.minScale,
      maxScale: params.maxScale,
      minStrokeWidth: params.minStrokeWidth,
      maxStrokeWidth: params.maxStrokeWidth,
      jitter: params.jitter,
    };
    // Baselines need labels only; while this is set, `sample` skips rendering (4,000 lines cost seconds).
    // Safe because `baseline` is synchronous and the flag is reset before it returns.
    let labelsOnly = false;
    return {
      spec,
      sizes: splitSizes(params),
      sample(rng, _index, split): Sample {
        const { label, text, minimumPitch } = drawFeasibleText(rng.split("text"), split, params);
        if (labelsOnly) return { input: { values: new Float32Array(0), steps: 0 }, target: { tokens: label } };
        const { columns } = renderLine(rng.split("render"), text, style, minimumPitch);
        // Already one row per pixel column, top to bottom: the input layout.
        const values = columns.data;
        return { input: { values, steps: width }, target: { tokens: label } };
      },
      metrics: (batch, output) => {
        const { cer, corpusCer, accuracy } = ctcCharacterErrorRates(spec, batch, output);
        return { cer, corpusCer, accuracy };
      },
      baseline(split, source) {
        labelsOnly = true;
        try {
          return trivialCerBaselines(
            splitLabels(source, "train"),
            splitLabels(source, split),
            LINE_CLASSES.indexOf(" "),
          );
        } finally {
          labelsOnly = false;
        }
      },
      preview(sample) {
        const values = "values" in sample.input ? sample.input.values : new Float32Array(0);
        const text = "tokens" in sample.target ? decodeLineText(sample.target.tokens) : "";
        // Back from columns to rows, ink dark on white as a page looks.
        const rows = new Float32Array(width * height);
        for (let x = 0; x < width; x++) {
          for (let y = 0; y < height; y++) rows[y * width + x] = values[x * height + y]!;
        }
        return {
          input: `${width}x${height} line image (${text.length} characters)`,
          target: text,
          pngBase64: encodePngBase64({ width, height, channels: 1, data: floatsToBytes(rows, 0, 1, true) }),
        };
      },
      decodeTarget: decodeLineText,
    };
  },
});
