import { parseSweepField, type SweepBase, type TrainingSettings, type TrialParameters } from "@seqlab/contracts";

/**
 * The launch request of one trial: `base` with each field path in `params` set ("model", "dataset" and "seed" at the
 * top level, "training.x", "modelHyperparameters.x", "datasetParams.x" inside). Returns a deep copy; `base` is not
 * touched. Throws a RangeError naming a path that names no field (a parsed SweepDefinition has none).
 *
 * When "model" (or "dataset") changes, the base's modelHyperparameters (datasetParams) are kept as they are, though
 * they may not fit the new entry: the web app checks every trial's request against the catalog before launching it.
 */
export function applyTrialParameters<T extends SweepBase>(base: T, params: TrialParameters): T {
  const trial = structuredClone(base);
  for (const [path, value] of Object.entries(params)) {
    const field = parseSweepField(path);
    if (field === null) throw new RangeError(`"${path}" names no field of a launch request`);
    switch (field.area) {
      case "run":
        (trial as Record<string, unknown>)[field.key] = value;
        break;
      case "training":
        trial.training = { ...trial.training, [field.key]: value } as TrainingSettings;
        break;
      default:
        trial[field.area] = { ...trial[field.area], [field.key]: value };
    }
  }
  return trial;
}
