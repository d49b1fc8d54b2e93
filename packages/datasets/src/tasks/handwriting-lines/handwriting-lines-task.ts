import { z } from "zod";
import type { Rng } from "../../random";
import { encodePngBase64, floatsToBytes } from "../../render/png-encoder";
import {
  defineTask,
  intParam,
  numberParam,
  splitOfContent,
  splitSizeParams,
  splitSizes,
  type Sample,
} from "../../task-helpers";
import type { SplitName, TaskSpec } from "../../types";
import { ctcCharacterErrorRates, minimumInputSteps, splitLabels, trivialCerBaselines } from "./ctc-text-metrics";
import { CURSIVE_FONTS, HERSHEY_FONTS, PRINT_FONTS, type HersheyFont } from "./hershey-glyphs";
import { LINE_BLANK, LINE_CLASSES, decodeLineText, encodeLineText } from "./line-classes";
import { renderLine, type LineStyle } from "./line-renderer";
import { drawLineText } from "./line-text";
import { requireAtMost } from "./ordered-params";

/** Parameters of the handwriting-lines task (FSDL lab 3's "EMNIST lines", drawn with Hershey fonts). */
export const HandwritingLinesParams = z
  .object({
    maxLength: intParam("maxLength", {
      default: 32,
      min: 4,
      max: 64,
      description: "Character cells per line; the image is maxLength x imageHeight pixels wide (FSDL: 32)",
    }),
    maxTextLength: intParam("maxTextLength", {
      default: 30,
      min: 1,
      max: 64,
      description: "Longest text in characters, at most maxLength; also the padded target length (FSDL: 30)",
    }),
    imageHeight: intParam("imageHeight", {
      default: 28,
      min: 16,
      max: 64,
      description: "Image height in pixels, and the width of one character cell (EMNIST: 28)",
    }),
    maxOverlap: numberParam("maxOverlap", {
      default: 0.33,
      min: 0,
      max: 0.9,
      description: "Each line's overlap between neighbouring cells is drawn from U(0, maxOverlap) (FSDL: 0.33)",
    }),
    fonts: z
      .array(z.enum(HERSHEY_FONTS, { error: `fonts: each font must be one of ${HERSHEY_FONTS.join(", ")}` }), {
        error: "fonts must be an array of font names",
      })
      .min(1, { error: "fonts must list at least one font" })
      .default([...PRINT_FONTS])
      .describe(`Hershey fonts to draw characters in (default ${PRINT_FONTS.join(", ")})`),
    cursive: z
      .boolean({ error: "cursive must be true or false" })
      .default(true)
      .describe(
        `Also draw in the script faces ${CURSIVE_FONTS.join(", ")}; false removes them from fonts (default true)`,
      ),
    maxSlant: numberParam("maxSlant", {
      default: 0.3,
      min: 0,
      max: 1,
      description: "Largest shear (tan of the slant); each line draws one from U(-maxSlant/2, maxSlant)",
    }),
    minScale: numberParam("minScale", {
      default: 0.75,
      min: 0.3,
      max: 1.2,
      description: "Smallest per-line glyph scale (1: capitals fill 62% of the height)",
    }),
    maxScale: numberParam("maxScale", { default: 1, min: 0.3, max: 1.2, description: "Largest per-line glyph scale" }),
    minStrokeWidth: numberParam("minStrokeWidth", {
      default: 1.5,
      min: 0.5,
      max: 6,
      description: "Thinnest per-line stroke, in pixels at height 28",
    }),
    maxStrokeWidth: numberParam("maxStrokeWidth", {
      default: 2.5,
      min: 0.5,
      max: 6,
      description: "Thickest per-line stroke, in pixels at height 28",
    }),
    jitter: numberParam("jitter", {
      default: 0.6,
      min: 0,
      max: 3,
      description: "Amplitude of the smooth wobble of each glyph's strokes, in pixels at height 28",
    }),
    outputStepsHint: intParam("outputStepsHint", {
      default: 55,
      min: 1,
      max: 4096,
      description:
        "Output steps the model produces over the full line width (FSDL's LineCNN: 55 for 896 px); every label " +
        "fits the steps that reach its last character's centre (lines with many repeats get less overlap)",
    }),
    ...splitSizeParams({ train: 10_000, validation: 2000, test: 2000 }),
  })
  .superRefine((p, ctx) => {
    requireAtMost(ctx, p, "maxTextLength", "maxLength");
    requireAtMost(ctx, p, "minScale", "maxScale");
    requireAtMost(ctx, p, "minStrokeWidth", "maxStrokeWidth");
    if (lineFonts(p).length === 0) {
      ctx.addIssue({ code: "custom", path: ["fonts"], message: "fonts lists only script faces, but cursive is false" });
    }
    // A full-length label without repeats must fit the steps over its ink at zero overlap, or long texts could
    // never be drawn and the length distribution would silently shrink.
    const fullSteps = stepsCovering(
      textExtent(p.maxTextLength, p.imageHeight, p.imageHeight),
      p.maxLength * p.imageHeight,
      p.outputStepsHint,
    );
    if (fullSteps < p.maxTextLength) {
      ctx.addIssue({
        code: "custom",
        path: ["outputStepsHint"],
        message:
          `outputStepsHint (${p.outputStepsHint}) leaves only ${fullSteps} steps ` +
          `for a ${p.maxTextLength}-character text`,
      });
    }
  });
/** Parameters of the handwriting-lines task. */
export type HandwritingLinesParams = z.infer<typeof HandwritingLinesParams>;

/** The fonts a line draws from: `fonts`, plus the script faces when `cursive`, minus them when not. */
export function lineFonts(params: Pick<HandwritingLinesParams, "fonts" | "cursive">): HersheyFont[] {
  const cursive = new Set<HersheyFont>(CURSIVE_FONTS);
  const fonts = new Set<HersheyFont>(params.fonts.filter((f) => params.cursive || !cursive.has(f)));
  if (params.cursive) for (const f of CURSIVE_FONTS) fonts.add(f);
  return [...fonts];
}

function handwritingSpec(params: HandwritingLinesParams): TaskSpec {
  return {
    problemType: "many-to-many-unaligned",
    // One input step per pixel column, top to bottom: a model's CNN downsamples in time (FSDL: 896 -> 55 steps).
    inputFeatures: params.imageHeight,
    inputLength: params.maxLength * params.imageHeight,
    outputKind: "classes",
    outputSize: LINE_CLASSES.length,
    targetLength: params.maxTextLength,
    heads: ["ctc"],
    blank: LINE_BLANK,
  };
}

/**
 * Output steps whose receptive fields reach into the first `extent` pixels of a `width`-pixel line, if the model
 * spreads `outputSteps` steps evenly over the width (as a strided CNN does).
 */
export function stepsCovering(extent: number, width: number, outputSteps: number): number {
  return Math.ceil((extent * outputSteps) / width);
}

/**
 * Pixels from the line's left edge to the centre of the last of `length` character cells: the ink a model must
 * see to emit the last character. Cells are `cell` wide and start every `pitch` pixels.
 */
export function textExtent(length: number, pitch: number, cell: number): number {
  return length === 0 ? 0 : (length - 1) * pitch + Math.ceil(cell / 2);
}

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
  name: "handwriting-lines",
  title: "Handwriting lines (EMNIST-lines style, CTC)",
  description:
    "Read a synthetic handwritten line of up to 30 characters (FSDL lab 3 recipe, Hershey fonts with random slant, " +
    "scale, stroke width and wobble). Inputs are pixel columns (896 steps x 28 features at the defaults); a CNN " +
    "should downsample in time to about 55 steps before a CTC head. Predicting the empty string scores CER 1.0.",
  problemType: "many-to-many-unaligned",
  params: HandwritingLinesParams,
  metric: {
    name: "cer",
    higherIsBetter: false,
    description:
      "FSDL's character error rate: per line, edit distance / max(prediction length, label length), averaged; " +
      "`corpusCer` is total edits / total label characters; `accuracy` is the fraction of lines read exactly",
  },
  specFor: handwritingSpec,
  setup(params) {
    const spec = handwritingSpec(params);
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
