import { z } from "zod";
import { intParam, numberParam, splitSizeParams } from "../../task-helpers/task-params";
import type { TaskInfo, TaskSpec } from "../../types";
import { CURSIVE_FONTS, HERSHEY_FONTS, PRINT_FONTS, type HersheyFont } from "./hershey-fonts";
import { LINE_BLANK, LINE_CLASSES } from "./line-classes";
import { stepsCovering, textExtent } from "./line-coverage";
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

/** The handwriting-lines task's light definition: params, spec and metric, without the fonts or the renderer. */
export const handwritingLinesDefinition: TaskInfo<typeof HandwritingLinesParams> = {
  name: "handwriting-lines",
  title: "Handwriting lines (EMNIST-lines style, CTC)",
  description:
    "Read a synthetic handwritten line of up to 30 characters (FSDL lab 3 recipe, Hershey fonts with random slant, " +
    "scale, stroke width and wobble). Inputs are pixel columns (896 steps x 28 features at the defaults); a CNN " +
    "should downsample in time to about 55 steps before a CTC head. Predicting the empty string scores CER 1.0.",
  problemType: "many-to-many-unaligned",
  params: HandwritingLinesParams,
  metric: {
    evaluation: ["cer", "corpusCer"],
    name: "cer",
    higherIsBetter: false,
    description:
      "FSDL's character error rate: per line, edit distance / max(prediction length, label length), averaged; " +
      "`corpusCer` is total edits / total label characters; `accuracy` is the fraction of lines read exactly",
  },
  recommended: {
    model: "cnn-bilstm-ctc",
    modelHyperparameters: {},
    // bench/README.md's measured run: batch 16, Adam 1e-3, no clipping (validation CER 0.13 at 1500 steps); 190 ms a
    // step alone on 2 shared cores (wasm).
    training: {
      steps: 1500,
      batchSize: 16,
      learningRate: 0.001,
      clipNorm: 0,
      evalEvery: 100,
      checkpointEvery: 500,
      trainMetricsEvery: 10,
    },
    why:
      "the CNN cuts the 896 pixel columns to 63 steps for a BiLSTM with a CTC head (FSDL's LineCNNLSTM), which reads " +
      "lines at a validation CER near 0.13 after 1500 steps (about 10 minutes on two CPU cores), against 0.9 for the " +
      "trivial baseline.",
  },
  specFor(params): TaskSpec {
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
  },
};
