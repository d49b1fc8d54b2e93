export type { SequenceModel, ForwardOptions, BuildOptions } from "./model-contract";
export { buildWaveNet, receptiveField } from "./wavenet";
export type { WaveNetModel } from "./wavenet";
