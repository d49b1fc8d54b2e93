import type { HeadKind, ModelIO } from "./types";

/** How the head reads the encoder: last state (many-to-one), every step (aligned), or a conditioned decoder. */
export type HeadMode = "pooled" | "aligned" | "generation";

/**
 * The head mode a head kind needs on a task. Kept free of tfjs so that the checkpoint exports (./export) read a
 * checkpoint's architecture with the same rule the recurrent network is built by.
 */
export function headModeFor(head: HeadKind, io: ModelIO): HeadMode {
  if (head === "generation") return "generation";
  if (head === "tagging" || head === "ctc") return "aligned";
  if (head === "seq2seq") throw new Error("seq2seq heads are built by ./seq2seq, not by the recurrent network");
  return io.problemType === "many-to-one" ? "pooled" : "aligned";
}
