import { LaunchRunRequest, TrainingSettings } from "@seqlab/contracts";
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

/** The launch request's own fields that the form renders beside the catalogs' (team and project come from the page). */
const RequestFields = LaunchRunRequest.pick({ name: true, seed: true, priority: true, queue: true });

/**
 * Models, datasets (each with its recommended preset), training settings and the request's own fields as JSON
 * Schemas with defaults: what the launch form is generated from and checks fields against before it submits.
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
    request: {
      params: z.toJSONSchema(RequestFields, { io: "input" }) as Record<string, unknown>,
      defaultParams: RequestFields.parse({}) as Record<string, unknown>,
    },
  };
}
export type CatalogDescription = ReturnType<typeof describeCatalog>;
