import { TrainingSettings } from "@seqlab/contracts";
import { describeTasks } from "@seqlab/datasets/catalog";
import { modelDefinitions } from "@seqlab/models/catalog";
import { z } from "zod";

export interface ModelDescription {
  name: string;
  title: string;
  description: string;
  heads: string[];
  params: Record<string, unknown>;
  defaultParams: Record<string, unknown>;
}

/**
 * Models, datasets and training settings as JSON Schemas with defaults: what the launch form is generated from.
 * Built from the light catalogs, so the dashboard never loads TensorFlow.js.
 */
export function describeCatalog() {
  const models: ModelDescription[] = modelDefinitions.map((m) => ({
    name: m.name,
    title: m.title,
    description: m.description,
    heads: [...m.heads],
    params: z.toJSONSchema(m.hyperparameters, { io: "input" }) as Record<string, unknown>,
    defaultParams: m.hyperparameters.parse({}) as Record<string, unknown>,
  }));
  return {
    models,
    datasets: describeTasks(),
    training: {
      params: z.toJSONSchema(TrainingSettings, { io: "input" }) as Record<string, unknown>,
      defaultParams: TrainingSettings.parse({}) as Record<string, unknown>,
    },
  };
}
export type CatalogDescription = ReturnType<typeof describeCatalog>;
