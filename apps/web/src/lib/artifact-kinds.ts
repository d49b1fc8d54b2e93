import { RUN_MEDIA_KINDS } from "@seqlab/contracts";

/** Kinds drawn by the run page's panels: listing them beside checkpoints would repeat what the panels show. */
const PANEL_KINDS: ReadonlySet<string> = new Set(Object.values(RUN_MEDIA_KINDS));

/** The artifacts the run page lists as downloads: every kind but those its panels draw. */
export function listedArtifacts<A extends { kind: string }>(artifacts: readonly A[]): A[] {
  return artifacts.filter((a) => !PANEL_KINDS.has(a.kind));
}
