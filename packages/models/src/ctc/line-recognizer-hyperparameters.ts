import { z } from "zod";

/**
 * Hyperparameters of the CNN + BiLSTM + CTC line recogniser (FSDL lab 3's LineCNNLSTM, adapted).
 * Imports zod only, never tfjs: the dashboard validates launch requests with it through `@seqlab/models/catalog`.
 */
export const LineRecognizerHyperparameters = z
  .object({
    /** Channels of the column convolution (kernel 3 over image columns). Default 32. */
    convChannels: z.number().int().min(1).max(256).default(32),
    /** Columns per sliding window (FSDL: 28, one character cell). Must be a multiple of windowStride. Default 28. */
    windowWidth: z.number().int().min(1).max(256).default(28),
    /** Columns between window starts (FSDL: 14, half a cell). Default 14. */
    windowStride: z.number().int().min(1).max(256).default(14),
    /** Features per window, the LSTM's input. Default 128. */
    windowFeatures: z.number().int().min(1).max(1024).default(128),
    /** Units of each LSTM direction; directions are summed (FSDL). Default 128. */
    lstmUnits: z.number().int().min(1).max(1024).default(128),
  })
  .refine((h) => h.windowWidth % h.windowStride === 0, {
    message: "windowWidth must be a multiple of windowStride",
    path: ["windowWidth"],
  });
export type LineRecognizerHyperparameters = z.infer<typeof LineRecognizerHyperparameters>;
