import type { Batch, ModelOutput, SplitName, TaskSpec } from "../../types";
import { classScores, constantOutput, positionFrequencies, type SampleSource } from "../../task-helpers";

/**
 * Text-to-text scores: `exactMatch` (whole target, end token included, right; also reported as `accuracy`),
 * `characterAccuracy` (per real target step) and `crossEntropy` (nats per target step).
 */
export function textPairMetrics(spec: TaskSpec, batch: Batch, output: ModelOutput): Record<string, number> {
  const scores = classScores(spec, batch, output);
  return {
    exactMatch: scores.sequenceAccuracy,
    accuracy: scores.sequenceAccuracy,
    characterAccuracy: scores.accuracy,
    crossEntropy: scores.crossEntropy,
  };
}

/** Baseline: the most frequent training output at each position (smoothed frequencies give its cross-entropy). */
export function textPairBaseline(spec: TaskSpec, split: SplitName, source: SampleSource): Record<string, number> {
  const frequencies = positionFrequencies(spec, source.batchOf("train"));
  const batch = source.batchOf(split);
  return textPairMetrics(spec, batch, constantOutput(spec, batch.size, frequencies));
}
