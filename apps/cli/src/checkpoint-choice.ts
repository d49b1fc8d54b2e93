import type { ArtifactSummary } from "@seqlab/contracts";
import { CliError } from "./cli-error";

/**
 * The run's checkpoint at `step`, or its newest (the highest step; the latest written among equal steps) without
 * one. Fails with one line listing the steps there are when there is none at that step, or none at all.
 */
export function chooseCheckpoint(
  runId: string,
  artifacts: readonly ArtifactSummary[],
  step: number | undefined,
): ArtifactSummary {
  const checkpoints = artifacts
    .filter((a) => a.kind === "checkpoint")
    .sort((a, b) => (a.step ?? -1) - (b.step ?? -1) || a.createdAt.localeCompare(b.createdAt));
  if (checkpoints.length === 0) throw new CliError(`run ${runId} has no checkpoint yet`);
  if (step === undefined) return checkpoints[checkpoints.length - 1]!;
  const atStep = checkpoints.filter((a) => a.step === step);
  if (atStep.length > 0) return atStep[atStep.length - 1]!;
  const steps = [...new Set(checkpoints.map((a) => (a.step === null ? "(none)" : String(a.step))))].join(", ");
  throw new CliError(`run ${runId} has no checkpoint at step ${step}: its checkpoints are at steps ${steps}`);
}

/** A file name made of `parts`, safe on every file system (what the server's Content-Disposition does too). */
export function safeFileName(...parts: string[]): string {
  return parts.join("-").replace(/[^A-Za-z0-9._-]/g, "_");
}
