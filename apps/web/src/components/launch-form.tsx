"use client";

import { useEffect, useMemo, useRef, useState } from "react";
import { fieldLabel, type FieldSection } from "../lib/field-labels";
import { placeIssues, type PathIssue } from "../lib/field-error-paths";
import {
  checkField,
  checkSection,
  fieldPath,
  isFieldRequired,
  type JsonObjectSchema,
  type JsonSchemaProperty,
} from "../lib/field-validation";
import { keepChoices, modelsForTask, pickTask, recommendedChoices, type LaunchChoices } from "../lib/launch-preset";
import type { CatalogDescription } from "../server/catalog";
import { SchemaField, SchemaFields } from "./schema-fields";

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
  /** The run being cloned: the launch links back to it. */
  parentRunId?: string;
}

/** The request's own fields, in the order the form shows them. */
const REQUEST_KEYS = ["seed", "priority", "queue", "name"] as const;

/** What the banner above the form lists: each problem, linked to its field when it has one. */
interface Banner {
  title: string;
  items: { field: string | null; text: string }[];
}

/** The note under the task picker: the preset the form switched to, and the user's own choices to go back to. */
interface PresetNote {
  task: string;
  why: string;
  /** The user's choices before the switch; null when they had none of their own. */
  previous: LaunchChoices | null;
  /** Set once they kept their own choices: whether their model fitted the task. */
  kept: { modelKept: boolean; model: string } | null;
}

/** "training.steps" -> "Steps", for the banner's list; the request's own keys ("seed") have no prefix. */
function labelOfPath(path: string, task: string): string {
  const [head, ...rest] = path.split(".");
  const key = rest.join(".");
  if (head === "dataset") return "Task";
  if (head === "model") return "Architecture";
  if (rest.length === 0) return fieldLabel("request", head ?? path);
  return fieldLabel(head as FieldSection, key, task);
}

/**
 * The launch form, generated from the catalogs' JSON Schemas: only models whose heads fit the task are offered,
 * picking a task switches to its recommended model and settings, and every field is checked against its schema
 * before anything is sent (the server checks again and its 400s land next to the fields they name).
 */
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
  const trainingSchema = catalog.training.params as JsonObjectSchema;
  const requestSchema = catalog.request.params as JsonObjectSchema;
  const trainingDefaults = catalog.training.defaultParams;
  const firstDataset = catalog.datasets.find((d) => d.name === (initial?.dataset ?? "adding")) ?? catalog.datasets[0];
  const [dataset, setDataset] = useState(firstDataset?.name ?? "");
  const datasetInfo = catalog.datasets.find((d) => d.name === dataset);
  const models = useMemo(
    () => (datasetInfo ? modelsForTask(catalog.models, datasetInfo) : catalog.models),
    [catalog.models, datasetInfo],
  );
  const [choices, setChoices] = useState<LaunchChoices>(() => {
    if (initial) {
      const defaults = catalog.models.find((m) => m.name === initial.model)?.defaultParams ?? {};
      // A clone of an older run gets today's defaults for settings that did not exist then.
      return {
        model: initial.model,
        modelHyperparameters: { ...defaults, ...initial.modelHyperparameters },
        training: { ...trainingDefaults, ...initial.training },
      };
    }
    if (firstDataset) return recommendedChoices(firstDataset, catalog.models, trainingDefaults);
    const model = catalog.models[0];
    return { model: model?.name ?? "", modelHyperparameters: model?.defaultParams ?? {}, training: trainingDefaults };
  });
  const [note, setNote] = useState<PresetNote | null>(() =>
    !initial && firstDataset
      ? { task: firstDataset.title, why: firstDataset.recommended.why, previous: null, kept: null }
      : null,
  );
  const modelInfo = catalog.models.find((m) => m.name === choices.model);
  const modelSchema = (modelInfo?.params ?? {}) as JsonObjectSchema;
  const datasetSchema = (datasetInfo?.params ?? {}) as JsonObjectSchema;
  const [datasetParams, setDatasetParams] = useState<Record<string, unknown>>(
    initial?.datasetParams ?? firstDataset?.defaultParams ?? {},
  );
  const [request, setRequest] = useState<Record<string, unknown>>({
    ...catalog.request.defaultParams,
    ...(initial?.name === undefined ? {} : { name: initial.name }),
    ...(initial ? { seed: initial.seed } : {}),
    ...(initial?.priority === undefined ? {} : { priority: initial.priority }),
    ...(initial?.queue === undefined ? {} : { queue: initial.queue }),
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [banner, setBanner] = useState<Banner | null>(null);
  const [submitting, setSubmitting] = useState(false);
  // Bumped to move focus to the first field in error once React has drawn the errors.
  const [focusRequest, setFocusRequest] = useState(0);
  const formRef = useRef<HTMLFormElement>(null);
  const bannerRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (focusRequest === 0) return;
    const first = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
    const target = first ?? bannerRef.current;
    target?.scrollIntoView({ block: "center" });
    target?.focus({ preventScroll: true });
  }, [focusRequest]);

  /** Every field the form shows, by request path: where a server 400's issues can land. */
  const fieldIds = [
    "dataset",
    ...Object.keys(datasetSchema.properties ?? {}).map((k) => fieldPath("datasetParams", k)),
    "model",
    ...Object.keys(modelSchema.properties ?? {}).map((k) => fieldPath("modelHyperparameters", k)),
    ...Object.keys(trainingSchema.properties ?? {}).map((k) => fieldPath("training", k)),
    ...REQUEST_KEYS,
  ];

  /** Re-checks one field: on blur, and on every change while it shows an error (so it clears once fixed). */
  const recheck = (id: string, schema: JsonObjectSchema, key: string, raw: unknown, always: boolean) => {
    const p: JsonSchemaProperty | undefined = schema.properties?.[key];
    if (!p) return;
    setErrors((current) => {
      if (!always && current[id] === undefined) return current;
      const result = checkField(p, raw, isFieldRequired(schema, key));
      const next = { ...current };
      if (result.ok) delete next[id];
      else next[id] = result.message;
      return next;
    });
  };

  /** Drops the errors of the fields a task or model switch replaces. */
  const clearErrors = (prefixes: string[]) =>
    setErrors((current) =>
      Object.fromEntries(
        Object.entries(current).filter(([id]) => !prefixes.some((p) => id === p || id.startsWith(`${p}.`))),
      ),
    );

  const chooseDataset = (next: string) => {
    const info = catalog.datasets.find((d) => d.name === next);
    setDataset(next);
    setDatasetParams(info?.defaultParams ?? {});
    clearErrors(["dataset", "datasetParams", "model", "modelHyperparameters", "training"]);
    if (!info) return;
    const picked = pickTask(choices, datasetInfo, info, catalog.models, trainingDefaults);
    setChoices(picked.choices);
    setNote({ task: info.title, why: info.recommended.why, previous: picked.previous, kept: null });
  };

  const keepOwn = () => {
    if (!note?.previous || !datasetInfo) return;
    const recommended = recommendedChoices(datasetInfo, catalog.models, trainingDefaults);
    const kept = keepChoices(note.previous, datasetInfo, catalog.models, recommended);
    setChoices(kept.choices);
    setNote({ ...note, kept: { modelKept: kept.modelKept, model: note.previous.model } });
  };

  const applyRecommended = () => {
    if (!datasetInfo || !note) return;
    setChoices(recommendedChoices(datasetInfo, catalog.models, trainingDefaults));
    clearErrors(["model", "modelHyperparameters", "training"]);
    setNote({ ...note, kept: null });
  };

  const chooseModel = (next: string) => {
    // Going back to the task's recommended model brings back its recommended hyperparameters too.
    const hyperparameters =
      datasetInfo?.recommended.model === next
        ? recommendedChoices(datasetInfo, catalog.models, trainingDefaults).modelHyperparameters
        : (catalog.models.find((m) => m.name === next)?.defaultParams ?? {});
    setChoices((c) => ({ ...c, model: next, modelHyperparameters: hyperparameters }));
    clearErrors(["model", "modelHyperparameters"]);
  };

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    const datasetCheck = checkSection(datasetSchema, datasetParams, "datasetParams");
    const modelCheck = checkSection(modelSchema, choices.modelHyperparameters, "modelHyperparameters");
    const trainingCheck = checkSection(trainingSchema, choices.training, "training");
    const requestCheck = checkSection(requestSchema, request, "");
    const found = { ...datasetCheck.errors, ...modelCheck.errors, ...trainingCheck.errors, ...requestCheck.errors };
    setErrors(found);
    // In form order, so the banner's list reads top to bottom like the fields.
    const foundIds = fieldIds.filter((id) => found[id] !== undefined);
    if (foundIds.length > 0) {
      setBanner({
        title: `${foundIds.length === 1 ? "One field needs" : `${foundIds.length} fields need`} a fix before launching:`,
        items: foundIds.map((id) => ({ field: id, text: `${labelOfPath(id, dataset)}: ${found[id]}` })),
      });
      setFocusRequest((n) => n + 1);
      return;
    }
    setSubmitting(true);
    setBanner(null);
    const body = {
      team,
      project,
      ...requestCheck.values,
      model: choices.model,
      modelHyperparameters: modelCheck.values,
      dataset,
      datasetParams: datasetCheck.values,
      training: trainingCheck.values,
      ...(initial?.parentRunId ? { parentRunId: initial.parentRunId } : {}),
    };
    try {
      const response = await fetch("/api/runs", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      const json = (await response.json()) as { run?: { id: string }; error?: string; issues?: PathIssue[] };
      if (response.ok && json.run) {
        window.location.href = `/t/${team}/p/${project}/runs/${json.run.id}`;
        return;
      }
      const placed = placeIssues(json.issues ?? [], fieldIds);
      setErrors(placed.fieldErrors);
      const placedIds = fieldIds.filter((id) => placed.fieldErrors[id] !== undefined);
      setBanner({
        title: `${json.error ?? `HTTP ${response.status}`}${json.issues?.length ? ":" : ""}`,
        items: [
          ...placedIds.map((id) => ({ field: id, text: `${labelOfPath(id, dataset)}: ${placed.fieldErrors[id]}` })),
          ...placed.unplaced.map((i) => ({ field: null, text: `${i.path}: ${i.message}` })),
        ],
      });
      setFocusRequest((n) => n + 1);
    } catch (error) {
      setBanner({ title: `Could not reach the server: ${String(error)}`, items: [] });
      setFocusRequest((n) => n + 1);
    }
    setSubmitting(false);
  };

  const focusField = (id: string) => (event: React.MouseEvent) => {
    event.preventDefault();
    const el = document.getElementById(id);
    el?.scrollIntoView({ block: "center" });
    el?.focus({ preventScroll: true });
  };

  return (
    <form ref={formRef} onSubmit={submit} noValidate data-testid="launch-form">
      {banner && (
        <div className="error-box" role="alert" ref={bannerRef} tabIndex={-1} data-testid="launch-errors">
          {banner.title}
          {banner.items.length > 0 && (
            <ul className="error-list">
              {banner.items.map((item) => (
                <li key={`${item.field ?? ""}:${item.text}`}>
                  {item.field ? (
                    <a href={`#${item.field}`} onClick={focusField(item.field)}>
                      {item.text}
                    </a>
                  ) : (
                    item.text
                  )}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <div className="row">
        <div className="col panel">
          <h2>Dataset</h2>
          <div className="field">
            <label htmlFor="dataset">
              Task <code className="field-key">dataset</code>
            </label>
            <select
              id="dataset"
              name="dataset"
              value={dataset}
              aria-invalid={errors.dataset ? true : undefined}
              onChange={(e) => chooseDataset(e.target.value)}
            >
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
            {errors.dataset && (
              <span className="error" data-testid="error-dataset">
                {errors.dataset}
              </span>
            )}
          </div>
          {note && (
            <div className="preset-note" role="status" data-testid="preset-note">
              {note.kept ? (
                <>
                  {note.kept.modelKept
                    ? `Kept your own model (${note.kept.model}) and training settings for ${note.task}.`
                    : `Kept your training settings; your model (${note.kept.model}) does not fit ${note.task}, so it uses ${choices.model}.`}{" "}
                  <button
                    type="button"
                    className="link-button"
                    onClick={applyRecommended}
                    data-testid="use-recommended"
                  >
                    Use the recommended settings
                  </button>
                </>
              ) : (
                <>
                  <strong>Recommended for {note.task}:</strong> {note.why}
                  {note.previous && (
                    <>
                      {" "}
                      <button type="button" className="link-button" onClick={keepOwn} data-testid="keep-own">
                        Keep my own model and settings
                      </button>
                    </>
                  )}
                </>
              )}
            </div>
          )}
          {datasetInfo && (
            <SchemaFields
              prefix="datasetParams"
              section="datasetParams"
              task={dataset}
              schema={datasetSchema}
              values={datasetParams}
              errors={errors}
              onChange={(k, v) => {
                setDatasetParams((p) => ({ ...p, [k]: v }));
                recheck(fieldPath("datasetParams", k), datasetSchema, k, v, false);
              }}
              onBlur={(k, v) => recheck(fieldPath("datasetParams", k), datasetSchema, k, v, true)}
            />
          )}
        </div>
        <div className="col panel">
          <h2>Model</h2>
          <div className="field">
            <label htmlFor="model">
              Architecture <code className="field-key">model</code>
            </label>
            <select
              id="model"
              name="model"
              value={choices.model}
              aria-invalid={errors.model ? true : undefined}
              onChange={(e) => chooseModel(e.target.value)}
            >
              {models.map((m) => (
                <option key={m.name} value={m.name}>
                  {m.title}
                </option>
              ))}
            </select>
            {modelInfo && <span className="help">{modelInfo.description}</span>}
            {errors.model && (
              <span className="error" data-testid="error-model">
                {errors.model}
              </span>
            )}
          </div>
          {modelInfo && (
            <SchemaFields
              prefix="modelHyperparameters"
              section="modelHyperparameters"
              schema={modelSchema}
              values={choices.modelHyperparameters}
              errors={errors}
              onChange={(k, v) => {
                setChoices((c) => ({ ...c, modelHyperparameters: { ...c.modelHyperparameters, [k]: v } }));
                recheck(fieldPath("modelHyperparameters", k), modelSchema, k, v, false);
              }}
              onBlur={(k, v) => recheck(fieldPath("modelHyperparameters", k), modelSchema, k, v, true)}
            />
          )}
        </div>
        <div className="col panel">
          <h2>Training</h2>
          <SchemaFields
            prefix="training"
            section="training"
            schema={trainingSchema}
            values={choices.training}
            errors={errors}
            onChange={(k, v) => {
              setChoices((c) => ({ ...c, training: { ...c.training, [k]: v } }));
              recheck(fieldPath("training", k), trainingSchema, k, v, false);
            }}
            onBlur={(k, v) => recheck(fieldPath("training", k), trainingSchema, k, v, true)}
          />
          {REQUEST_KEYS.map((key) => {
            const p = requestSchema.properties?.[key];
            if (!p) return null;
            return (
              <SchemaField
                key={key}
                id={key}
                fieldKey={key}
                section="request"
                property={p}
                required={isFieldRequired(requestSchema, key)}
                value={request[key]}
                error={errors[key]}
                placeholder={key === "name" ? "generated when empty" : undefined}
                onChange={(v) => {
                  setRequest((r) => ({ ...r, [key]: v }));
                  recheck(key, requestSchema, key, v, false);
                }}
                onBlur={(v) => recheck(key, requestSchema, key, v, true)}
              />
            );
          })}
          <button type="submit" disabled={submitting} data-testid="launch">
            {submitting ? "Launching..." : "Launch run"}
          </button>
        </div>
      </div>
    </form>
  );
}
