export type { SequenceModel, ForwardOptions, BuildOptions } from "../wavenet/model-contract";
export { attend, attentionMaskBias, attentionScores, MASKED_SCORE } from "./attention";
export type { AttentionKind, AdditiveParams } from "./attention";
export { buildSeq2Seq, Seq2SeqHyperparameters } from "./seq2seq";
export type { Seq2SeqModel, Seq2SeqDecoding, DecodeOptions } from "./seq2seq";
