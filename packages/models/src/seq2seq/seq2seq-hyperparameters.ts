import { z } from "zod";

const ATTENTION_KINDS = ["bahdanau", "luong-dot", "luong-general"] as const;

/**
 * Encoder-decoder hyperparameters.
 * Imports zod only, never tfjs: the dashboard validates launch requests with it through `@seqlab/models/catalog`.
 */
export const Seq2SeqHyperparameters = z.object({
  /** Recurrent cell of encoder and decoder. Default "lstm". */
  cell: z.enum(["lstm", "gru"], { error: "cell must be 'lstm' or 'gru'" }).default("lstm"),
  /** Units of encoder and decoder (equal, so the encoder's final state starts the decoder). Default 64. */
  hiddenSize: z.number().int().min(2).max(1024).default(64),
  /** Width of the target-token embedding fed to the decoder. Default 32. */
  embeddingSize: z.number().int().min(1).max(1024).default(32),
  /** Scoring function. Default "bahdanau". */
  attention: z
    .enum(ATTENTION_KINDS, { error: "attention must be one of 'bahdanau', 'luong-dot', 'luong-general'" })
    .default("bahdanau"),
  /** Hidden width of the additive (bahdanau) score; unused by Luong scores. Default 64. */
  attentionSize: z.number().int().min(1).max(1024).default(64),
});
export type Seq2SeqHyperparameters = z.infer<typeof Seq2SeqHyperparameters>;
