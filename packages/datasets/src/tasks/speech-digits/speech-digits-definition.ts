import { z } from "zod";
import { intParam, numberParam, splitSizeParams } from "../../task-helpers/task-params";
import type { TaskInfo, TaskSpec } from "../../types";
import { requireAtMost } from "../handwriting-lines/ordered-params";
import { maxFrames } from "./utterance-timing";

/** Class id of the CTC blank; digit d is class d + 1. */
export const SPEECH_BLANK = 0;

/** Parameters of the speech-digits task. */
export const SpeechDigitsParams = z
  .object({
    minDigits: intParam("minDigits", { default: 1, min: 1, max: 20, description: "Fewest digits per utterance" }),
    maxDigits: intParam("maxDigits", {
      default: 5,
      min: 1,
      max: 20,
      description: "Most digits per utterance; also the padded target length",
    }),
    melBins: intParam("melBins", { default: 20, min: 8, max: 64, description: "Log-mel features per frame" }),
    speakers: intParam("speakers", {
      default: 1000,
      min: 30,
      max: 1_000_000,
      description: "Speakers in the pool; each belongs to one split (10% validation, 10% test)",
    }),
    minSnrDb: numberParam("minSnrDb", {
      default: 15,
      min: -10,
      max: 80,
      description: "Lowest signal-to-noise ratio of the added white noise, in dB",
    }),
    maxSnrDb: numberParam("maxSnrDb", {
      default: 40,
      min: -10,
      max: 80,
      description: "Highest signal-to-noise ratio, in dB; each utterance draws one uniformly",
    }),
    ...splitSizeParams({ train: 10_000, validation: 1000, test: 1000 }),
  })
  .superRefine((p, ctx) => {
    requireAtMost(ctx, p, "minDigits", "maxDigits");
    requireAtMost(ctx, p, "minSnrDb", "maxSnrDb");
  });
/** Parameters of the speech-digits task. */
export type SpeechDigitsParams = z.infer<typeof SpeechDigitsParams>;

/** The spoken-digits task's light definition: params, spec and metric, without the synthesizer or spectrogram. */
export const speechDigitsDefinition: TaskInfo<typeof SpeechDigitsParams> = {
  name: "speech-digits",
  title: "Spoken digits (synthetic speech, CTC)",
  description:
    "Transcribe synthetic spoken digit strings (1-5 digits at the defaults) from log-mel frames (20 features every " +
    "16 ms) with CTC. " +
    "Speakers differ in pitch, vocal-tract length and tempo; test speakers are unseen. Predicting nothing scores CER 1.",
  problemType: "many-to-many-unaligned",
  params: SpeechDigitsParams,
  metric: {
    evaluation: ["cer", "corpusCer"],
    name: "cer",
    higherIsBetter: false,
    description:
      "Digit error rate: per utterance, edit distance / max(prediction length, label length), averaged (FSDL's " +
      "CER); `corpusCer` is total edits / total digits; `accuracy` is the fraction transcribed exactly",
  },
  recommended: {
    model: "cnn-bilstm-ctc",
    // Windows of 8 frames every 4 leave 69 steps for at most 5 digits, so CTC has room for the blanks between
    // repeats. Measured (wasm, 2 shared cores): CER 0.00 on 256 validation utterances of unseen speakers at step 500.
    modelHyperparameters: { windowWidth: 8, windowStride: 4, windowFeatures: 64, lstmUnits: 64 },
    training: { steps: 1000, batchSize: 32, learningRate: 0.002, clipNorm: 1, evalEvery: 100, trainMetricsEvery: 10 },
    why:
      "convolution windows shorten the log-mel frames fourfold before a BiLSTM with a CTC head, which transcribes " +
      "unseen speakers' digits almost without error after a few hundred steps (minutes on two CPU cores).",
  },
  specFor(params): TaskSpec {
    return {
      problemType: "many-to-many-unaligned",
      inputFeatures: params.melBins,
      inputLength: maxFrames(params.maxDigits),
      outputKind: "classes",
      outputSize: 11,
      targetLength: params.maxDigits,
      heads: ["ctc"],
      blank: SPEECH_BLANK,
    };
  },
};
