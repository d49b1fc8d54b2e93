import { z } from "zod";

/**
 * WaveNet hyperparameters (van den Oord et al. 2016, without the mu-law softmax output and conditioning).
 * Imports zod only, never tfjs: the dashboard validates launch requests with it through `@seqlab/models/catalog`.
 */
export const WaveNetHyperparameters = z.object({
  /** Channels of the residual stream. Default 32. */
  residualChannels: z.number().int().min(2).max(512).default(32),
  /** Channels of the skip connections and the output head. Default 32. */
  skipChannels: z.number().int().min(2).max(512).default(32),
  /** Taps per dilated convolution. Default 2 (the paper's). */
  kernelSize: z.number().int().min(1).max(16).default(2),
  /**
   * Dilation of each layer, strictly increasing. Default [1, 2, 4, 8, 16] (doubling per layer: the receptive field
   * grows exponentially with depth). Repeated stacks are not allowed here: deepen with larger dilations.
   */
  dilations: z
    .array(z.number().int().min(1).max(4096))
    .min(1)
    .max(24)
    .refine((d) => d.every((v, i) => i === 0 || v > (d[i - 1] as number)), {
      message: "dilations must be strictly increasing (e.g. [1, 2, 4, 8])",
    })
    .default([1, 2, 4, 8, 16]),
});
export type WaveNetHyperparameters = z.infer<typeof WaveNetHyperparameters>;
