export type { SequenceModel, ForwardOptions, BuildOptions } from "./model-contract";
export { dilatedConv1d } from "./dilated-conv";
export type { ConvPadding } from "./dilated-conv";
export { buildWaveNet, receptiveField, WaveNetHyperparameters } from "./wavenet";
export type { WaveNetModel } from "./wavenet";
