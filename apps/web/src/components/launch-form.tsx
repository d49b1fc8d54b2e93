"use client";

import { useMemo, useState } from "react";
import type { CatalogDescription } from "../server/catalog";
import { SchemaFields, coerceFieldValue, displayFieldValue, type JsonObjectSchema } from "./schema-fields";

export interface LaunchFormInitial {
  name?: string;
  model: string;
  modelHyperparameters: Record<string, unknown>;
  dataset: string;
  datasetParams: Record<string, unknown>;
  training: Record<string, unknown>;
  seed: number;
  priority?: number;
  queue?: string;
}

function coerceAll(schema: JsonObjectSchema, values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, p] of Object.entries(schema.properties ?? {})) {
    if (!(key in values)) continue;
    const v = coerceFieldValue(p, displayFieldValue(values[key]));
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/** The launch form, generated from the catalogs' JSON Schemas; only models whose heads fit the dataset are offered. */
export function LaunchForm({
  catalog,
  initial,
  team,
  project,
}: {
  catalog: CatalogDescription;
  initial: LaunchFormInitial | null;
  /** Slugs of the team and project the run is launched in. */
  team: string;
  project: string;
}) {
  const firstDataset = catalog.datasets.find((d) => d.name === (initial?.dataset ?? "adding")) ?? catalog.datasets[0];
  const [dataset, setDataset] = useState(firstDataset?.name ?? "");
  const datasetInfo = catalog.datasets.find((d) => d.name === dataset);
  const models = useMemo(
    () =>
      catalog.models.filter((m) => !datasetInfo || m.heads.some((h) => (datasetInfo.heads as string[]).includes(h))),
    [catalog.models, datasetInfo],
  );
  const [model, setModel] = useState(
    initial?.model ?? models.find((m) => m.name === "lstm")?.name ?? models[0]?.name ?? "",
  );
  const modelInfo = catalog.models.find((m) => m.name === model);
  const [datasetParams, setDatasetParams] = useState<Record<string, unknown>>(
    initial?.datasetParams ?? firstDataset?.defaultParams ?? {},
  );
  const [modelParams, setModelParams] = useState<Record<string, unknown>>(
    initial?.modelHyperparameters ?? modelInfo?.defaultParams ?? {},
  );
  const [training, setTraining] = useState<Record<string, unknown>>(
    initial?.training ?? catalog.training.defaultParams,
  );
  const [name, setName] = useState(initial?.name ?? "");
  const [seed, setSeed] = useState(String(initial?.seed ?? 42));
  const [priority, setPriority] = useState(String(initial?.priority ?? 0));
  const [queue, setQueue] = useState(initial?.queue ?? "default");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  const chooseDataset = (next: string) => {
    setDataset(next);
    const info = catalog.datasets.find((d) => d.name === next);
    setDatasetParams(info?.defaultParams ?? {});
    const fits = catalog.models.filter((m) => !info || m.heads.some((h) => (info.heads as string[]).includes(h)));
    if (!fits.some((m) => m.name === model) && fits[0]) {
      setModel(fits[0].name);
      setModelParams(fits[0].defaultParams);
    }
  };
  const chooseModel = (next: string) => {
    setModel(next);
    setModelParams(catalog.models.find((m) => m.name === next)?.defaultParams ?? {});
  };

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setSubmitting(true);
    setErrors({});
    setMessage(null);
    const body = {
      team,
      project,
      name: name.trim() || undefined,
      model,
      modelHyperparameters: coerceAll((modelInfo?.params ?? {}) as JsonObjectSchema, modelParams),
      dataset,
      datasetParams: coerceAll((datasetInfo?.params ?? {}) as JsonObjectSchema, datasetParams),
      training: coerceAll(catalog.training.params as JsonObjectSchema, training),
      seed: Number(seed),
      priority: Number(priority),
      queue,
    };
    try {
      const response = await fetch("/api/runs", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      const json = (await response.json()) as {
        run?: { id: string };
        error?: string;
        issues?: { path: string; message: string }[];
      };
      if (response.ok && json.run) {
        window.location.href = `/t/${team}/p/${project}/runs/${json.run.id}`;
        return;
      }
      const fieldErrors: Record<string, string> = {};
      for (const issue of json.issues ?? []) fieldErrors[issue.path] = issue.message;
      setErrors(fieldErrors);
      setMessage(
        `${json.error ?? `HTTP ${response.status}`}${json.issues ? `:\n${json.issues.map((i) => `${i.path}: ${i.message}`).join("\n")}` : ""}`,
      );
    } catch (error) {
      setMessage(`Could not reach the server: ${String(error)}`);
    }
    setSubmitting(false);
  };

  return (
    <form onSubmit={submit} data-testid="launch-form">
      {message && (
        <div className="error-box" role="alert">
          {message}
        </div>
      )}
      <div className="row">
        <div className="col panel">
          <h2>Dataset</h2>
          <div className="field">
            <label htmlFor="dataset">Task</label>
            <select id="dataset" name="dataset" value={dataset} onChange={(e) => chooseDataset(e.target.value)}>
              {catalog.datasets.map((d) => (
                <option key={d.name} value={d.name}>
                  {d.title} ({d.problemType})
                </option>
              ))}
            </select>
            {datasetInfo && (
              <span className="help">
                {datasetInfo.description} Metric: {datasetInfo.metric.name}.
              </span>
            )}
            {errors.dataset && <span className="error">{errors.dataset}</span>}
          </div>
          {datasetInfo && (
            <SchemaFields
              prefix="datasetParams"
              schema={datasetInfo.params as JsonObjectSchema}
              values={datasetParams}
              errors={errors}
              onChange={(k, v) => setDatasetParams((p) => ({ ...p, [k]: v }))}
            />
          )}
        </div>
        <div className="col panel">
          <h2>Model</h2>
          <div className="field">
            <label htmlFor="model">Architecture</label>
            <select id="model" name="model" value={model} onChange={(e) => chooseModel(e.target.value)}>
              {models.map((m) => (
                <option key={m.name} value={m.name}>
                  {m.title}
                </option>
              ))}
            </select>
            {modelInfo && <span className="help">{modelInfo.description}</span>}
            {errors.model && <span className="error">{errors.model}</span>}
          </div>
          {modelInfo && (
            <SchemaFields
              prefix="modelHyperparameters"
              schema={modelInfo.params as JsonObjectSchema}
              values={modelParams}
              errors={errors}
              onChange={(k, v) => setModelParams((p) => ({ ...p, [k]: v }))}
            />
          )}
        </div>
        <div className="col panel">
          <h2>Training</h2>
          <SchemaFields
            prefix="training"
            schema={catalog.training.params as JsonObjectSchema}
            values={training}
            errors={errors}
            onChange={(k, v) => setTraining((p) => ({ ...p, [k]: v }))}
          />
          <div className="field">
            <label htmlFor="seed">seed</label>
            <input
              id="seed"
              name="seed"
              type="number"
              value={seed}
              onChange={(e) => setSeed(e.target.value)}
              aria-invalid={errors.seed ? true : undefined}
            />
            {errors.seed && <span className="error">{errors.seed}</span>}
          </div>
          <div className="field">
            <label htmlFor="priority">priority</label>
            <input
              id="priority"
              name="priority"
              type="number"
              value={priority}
              onChange={(e) => setPriority(e.target.value)}
            />
            <span className="help">higher runs first · range -100 .. 100</span>
            {errors.priority && <span className="error">{errors.priority}</span>}
          </div>
          <div className="field">
            <label htmlFor="queue">queue</label>
            <input id="queue" name="queue" value={queue} onChange={(e) => setQueue(e.target.value)} />
            {errors.queue && <span className="error">{errors.queue}</span>}
          </div>
          <div className="field">
            <label htmlFor="name">run name</label>
            <input
              id="name"
              name="name"
              value={name}
              placeholder="generated when empty"
              onChange={(e) => setName(e.target.value)}
            />
          </div>
          <button type="submit" disabled={submitting} data-testid="launch">
            {submitting ? "Launching..." : "Launch run"}
          </button>
        </div>
      </div>
    </form>
  );
}
