export type { AttentionKind } from "./attention";
export { buildSeq2Seq } from "./seq2seq";
export type { Seq2SeqModel, Seq2SeqDecoding, DecodeOptions } from "./seq2seq";
