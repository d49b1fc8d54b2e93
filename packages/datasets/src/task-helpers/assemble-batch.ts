import type { Batch, TaskSpec } from "../types";
import { isTokenSequence, sequenceSteps, type Sample } from "./sample";

/**
 * Pads and stacks samples into a batch shaped by `spec`: token inputs are one-hot encoded into `inputFeatures`,
 * padding is zeros and masks are 1 on real steps. Throws if a sample does not fit the spec, since a silently
 * truncated sample would corrupt training without any visible symptom.
 */
export function assembleBatch(spec: TaskSpec, samples: readonly Sample[]): Batch {
  const size = samples.length;
  const { inputLength, inputFeatures, targetLength, outputSize } = spec;
  const inputs = new Float32Array(size * inputLength * inputFeatures);
  const targets =
    spec.outputKind === "classes"
      ? new Int32Array(size * targetLength)
      : new Float32Array(size * targetLength * outputSize);
  const inputLengths = new Int32Array(size);
  const targetLengths = new Int32Array(size);
  const inputMask = new Float32Array(size * inputLength);
  const targetMask = new Float32Array(size * targetLength);

  samples.forEach((sample, row) => {
    const inSteps = sequenceSteps(sample.input);
    const outSteps = sequenceSteps(sample.target);
    if (inSteps > inputLength) {
      throw new Error(`sample ${row}: ${inSteps} input steps exceed inputLength ${inputLength}`);
    }
    if (outSteps > targetLength) {
      throw new Error(`sample ${row}: ${outSteps} target steps exceed targetLength ${targetLength}`);
    }
    inputLengths[row] = inSteps;
    targetLengths[row] = outSteps;
    inputMask.fill(1, row * inputLength, row * inputLength + inSteps);
    targetMask.fill(1, row * targetLength, row * targetLength + outSteps);

    const inBase = row * inputLength * inputFeatures;
    if (isTokenSequence(sample.input)) {
      sample.input.tokens.forEach((token, step) => {
        if (!(token >= 0 && token < inputFeatures)) {
          throw new Error(`sample ${row}: input token ${token} outside [0, ${inputFeatures})`);
        }
        inputs[inBase + step * inputFeatures + token] = 1;
      });
    } else {
      const { values } = sample.input;
      if (values.length !== inSteps * inputFeatures) {
        throw new Error(`sample ${row}: ${values.length} input values, expected ${inSteps} x ${inputFeatures}`);
      }
      for (let i = 0; i < values.length; i++) inputs[inBase + i] = values[i] as number;
    }

    if (spec.outputKind === "classes") {
      if (!isTokenSequence(sample.target)) throw new Error(`sample ${row}: a "classes" task needs token targets`);
      sample.target.tokens.forEach((token, step) => {
        if (!(token >= 0 && token < outputSize)) {
          throw new Error(`sample ${row}: target class ${token} outside [0, ${outputSize})`);
        }
        targets[row * targetLength + step] = token;
      });
    } else {
      if (isTokenSequence(sample.target)) throw new Error(`sample ${row}: a "regression" task needs value targets`);
      const { values } = sample.target;
      if (values.length !== outSteps * outputSize) {
        throw new Error(`sample ${row}: ${values.length} target values, expected ${outSteps} x ${outputSize}`);
      }
      const outBase = row * targetLength * outputSize;
      for (let i = 0; i < values.length; i++) targets[outBase + i] = values[i] as number;
    }
  });

  return { size, inputs, targets, inputLengths, targetLengths, inputMask, targetMask };
}
