import {
  classScores,
  constantOutput,
  defineTask,
  drawForSplit,
  splitSizes,
  tokensOf,
  type Sample,
} from "../../task-helpers";
import { copyMemoryDefinition } from "./copy-memory-definition";

export { CopyMemoryParams } from "./copy-memory-definition";

/** Input token ids: 0 blank, 1..K symbols, K + 1 the recall cue. Target ids: 0 blank, 1..K symbols. */
const BLANK = 0;

/** Printable names for symbols 1..64 in previews; blanks print as "_" and the cue as ":". */
const SYMBOL_NAMES = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%";

function symbolName(id: number): string {
  return id === BLANK ? "_" : (SYMBOL_NAMES[id - 1] ?? "?");
}

/**
 * The copy-memory task (Hochreiter & Schmidhuber 1997; the form used by Arjovsky et al. 2016): L symbols, T - 1
 * blanks, a recall cue, then L blanks during which the model must output the symbols; every other output is blank.
 * A memoryless model outputs blanks and then guesses, scoring cross-entropy L log K / (T + 2L) per step.
 */
export const copyMemoryTask = defineTask({
  ...copyMemoryDefinition,
  setup(params) {
    const spec = copyMemoryDefinition.specFor(params);
    const { delay: T, alphabetSize: K, sequenceLength: L } = params;
    const total = T + 2 * L;
    const cue = K + 1;
    const recallScores = (batch: Parameters<typeof classScores>[1], output: Parameters<typeof classScores>[2]) => {
      // Recall accuracy: argmax right on the last L steps, where all the difficulty lies.
      let correct = 0;
      for (let row = 0; row < batch.size; row++) {
        for (let step = total - L; step < total; step++) {
          const base = (row * total + step) * spec.outputSize;
          let best = 0;
          for (let k = 1; k < spec.outputSize; k++) {
            if ((output.values[base + k] as number) > (output.values[base + best] as number)) best = k;
          }
          if (best === batch.targets[row * total + step]) correct++;
        }
      }
      return correct / (batch.size * L);
    };
    return {
      spec,
      sizes: splitSizes(params),
      sample(rng, _index, split): Sample {
        const symbols = drawForSplit(
          rng,
          split,
          (r) => Array.from({ length: L }, () => r.int(1, K + 1)),
          (s) => s.join(","),
        );
        const input = new Array<number>(total).fill(BLANK);
        const target = new Array<number>(total).fill(BLANK);
        symbols.forEach((symbol, i) => {
          input[i] = symbol;
          target[T + L + i] = symbol;
        });
        input[L + T - 1] = cue;
        return { input: { tokens: input }, target: { tokens: target } };
      },
      metrics(batch, output) {
        const { accuracy, crossEntropy, sequenceAccuracy } = classScores(spec, batch, output);
        return { crossEntropy, accuracy, recallAccuracy: recallScores(batch, output), sequenceAccuracy };
      },
      baseline(split, source) {
        // The memoryless strategy: certain blanks, then a uniform guess over the K symbols.
        const perStep = new Float32Array(total * spec.outputSize);
        for (let step = 0; step < total; step++) {
          if (step < T + L) perStep[step * spec.outputSize + BLANK] = 1;
          else for (let k = 1; k <= K; k++) perStep[step * spec.outputSize + k] = 1 / K;
        }
        const batch = source.batchOf(split);
        const output = constantOutput(spec, batch.size, perStep);
        const { accuracy, crossEntropy, sequenceAccuracy } = classScores(spec, batch, output);
        return {
          crossEntropy,
          accuracy,
          recallAccuracy: recallScores(batch, output),
          sequenceAccuracy,
          expectedCrossEntropy: (L * Math.log(K)) / total,
        };
      },
      preview(sample) {
        const input = tokensOf(sample.input).map((id) => (id === cue ? ":" : symbolName(id)));
        return { input: input.join(""), target: tokensOf(sample.target).map(symbolName).join("") };
      },
      decodeTarget(ids) {
        return Array.from(ids, symbolName).join("");
      },
    };
  },
});
