import { z } from "zod";
import { intParam, splitSizeParams } from "../../task-helpers/task-params";
import type { TaskInfo, TaskSpec } from "../../types";

/** Smallest number of distinct symbol sequences, so each of the three hash-assigned splits gets several. */
const MIN_DISTINCT_SEQUENCES = 100;

/** Parameters of the copy-memory task. */
export const CopyMemoryParams = z
  .object({
    // Defaults T = 100, K = 8, L = 10: the smallest setting of Arjovsky et al. (2016), so results compare with theirs.
    delay: intParam("delay", {
      default: 100,
      min: 1,
      max: 10_000,
      description: "Steps T between the end of the symbols and the recall cue (T - 1 blanks, then the cue)",
    }),
    alphabetSize: intParam("alphabetSize", {
      default: 8,
      min: 1,
      max: 64,
      description: "Distinct symbols K",
    }),
    sequenceLength: intParam("sequenceLength", {
      default: 10,
      min: 1,
      max: 100,
      description: "Symbols L to remember",
    }),
    ...splitSizeParams({ train: 100_000, validation: 1000, test: 1000 }),
  })
  .refine((p) => p.alphabetSize ** p.sequenceLength >= MIN_DISTINCT_SEQUENCES, {
    message:
      `alphabetSize^sequenceLength must be at least ${MIN_DISTINCT_SEQUENCES} ` +
      "so every split gets distinct sequences",
    path: ["alphabetSize"],
  });
/** Parameters of the copy-memory task. */
export type CopyMemoryParams = z.infer<typeof CopyMemoryParams>;

/** The copy-memory task's light definition: params, spec and metric, without the generator. */
export const copyMemoryDefinition: TaskInfo<typeof CopyMemoryParams> = {
  name: "copy-memory",
  title: "Copy memory",
  description:
    "Remember L symbols over T blank steps and replay them after a cue. The memoryless baseline's cross-entropy, " +
    "L log K / (T + 2L), is the plateau a model must leave.",
  problemType: "many-to-many-aligned",
  params: CopyMemoryParams,
  metric: {
    evaluation: ["accuracy"],
    name: "crossEntropy",
    higherIsBetter: false,
    description: "Mean cross-entropy per step in nats; `accuracy` is per step, `recallAccuracy` on the L recall steps",
  },
  specFor(params): TaskSpec {
    return {
      problemType: "many-to-many-aligned",
      inputFeatures: params.alphabetSize + 2,
      inputLength: params.delay + 2 * params.sequenceLength,
      outputKind: "classes",
      outputSize: params.alphabetSize + 1,
      targetLength: params.delay + 2 * params.sequenceLength,
      heads: ["tagging"],
    };
  },
};
