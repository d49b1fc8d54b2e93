"use client";

import type { SweepBase, SweepParameter, TrainingSettings } from "@seqlab/contracts";
import { useEffect, useMemo, useRef, useState } from "react";
import { placeIssues } from "../lib/field-error-paths";
import type { SweepableField } from "../lib/sweep-fields";
import {
  metricChoices,
  metricGoal,
  prefillDraft,
  proposeRange,
  type ParameterDraft,
  type SchedulerDraft,
  type SweepFormDraft,
} from "../lib/sweep-prefill";
import { buildSweepRequest, parameterIssuePath } from "../lib/sweep-request";
import { api } from "./api-client";
import { parameterInputIds, SweepParameterRow } from "./sweep-parameter-row";

/** The field a scheduler sets for each trial, which the form then does not let anyone vary. */
const STEPS_PATH = "training.steps";

/** The form's own inputs beyond the parameter rows, by the 400 path they answer for, with their labels. */
const FORM_INPUTS: Record<string, string> = {
  "definition.name": "Name",
  "definition.method": "Search",
  "definition.parameters": "Parameters",
  "definition.limits.maxTrials": "Trials",
  "definition.limits.maxConcurrent": "At once",
  "definition.limits.stepBudget": "Step budget",
  "definition.scheduler": "Scheduler",
  "definition.scheduler.kind": "Scheduler",
  "definition.scheduler.eta": "η",
  "definition.scheduler.minSteps": "First rung (steps)",
  "definition.scheduler.maxSteps": "Last rung (steps)",
  "definition.metric": "Metric",
  "definition.metric.name": "Metric",
  "definition.metric.goal": "Goal",
};

/** What the banner above the form lists: each problem, linked to its input when it has one. */
interface Banner {
  title: string;
  items: { field: string | null; text: string }[];
}

/**
 * "Sweep from this run": the run's sweepable fields, each with a checkbox, a kind and a range or values proposed
 * around the run's value; search method and limits; the scheduler (ASHA by default, over the run's steps); the
 * metric among the run's summary keys. The definition it will send is shown as JSON. Problems found before sending
 * (texts, the contract's own rules) and the server's 400 both land next to the inputs they name.
 */
export function SweepForm({
  team,
  project,
  sourceRun,
  fields,
  base,
  metricKeys,
}: {
  /** Slugs of the team and project the sweep is filed in. */
  team: string;
  project: string;
  /** The run the sweep starts from. */
  sourceRun: { id: string; name: string; training: Pick<TrainingSettings, "steps" | "evalEvery"> };
  fields: readonly SweepableField[];
  /** The trials' launch request: the run's config, its queue, priority 0. */
  base: SweepBase;
  /** Summary keys the run logs. */
  metricKeys: readonly string[];
}) {
  const [draft, setDraft] = useState<SweepFormDraft>(() =>
    prefillDraft(fields, sourceRun.training, metricKeys, sourceRun.name),
  );
  // Problems found here are shown from the first submit on (and then as they are fixed or appear).
  const [checked, setChecked] = useState(false);
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [banner, setBanner] = useState<Banner | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [focusRequest, setFocusRequest] = useState(0);
  const formRef = useRef<HTMLFormElement>(null);
  const bannerRef = useRef<HTMLDivElement>(null);

  const built = useMemo(
    () => buildSweepRequest(draft, { team, project, base, sourceRunId: sourceRun.id, fields }),
    [draft, team, project, base, sourceRun.id, fields],
  );
  const fieldIds = useMemo(
    () => [...Object.keys(FORM_INPUTS), ...fields.flatMap((f) => parameterInputIds(f.path))],
    [fields],
  );
  const localErrors = checked ? placeIssues(built.issues, fieldIds).fieldErrors : {};
  const errors = { ...localErrors, ...serverErrors };

  useEffect(() => {
    if (focusRequest === 0) return;
    const first = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
    const target = first ?? bannerRef.current;
    target?.scrollIntoView({ block: "center" });
    target?.focus({ preventScroll: true });
  }, [focusRequest]);

  /** Any edit: the server's answer was about the draft before it, so its field messages go. */
  const update = (change: (d: SweepFormDraft) => SweepFormDraft) => {
    setDraft(change);
    setServerErrors({});
  };
  const setRow = (path: string, row: ParameterDraft) =>
    update((d) => ({ ...d, parameters: { ...d.parameters, [path]: row } }));
  const setKind = (field: SweepableField, kind: SweepParameter["kind"]) =>
    update((d) => ({
      ...d,
      parameters: { ...d.parameters, [field.path]: { enabled: true, ...proposeRange(field, kind) } },
    }));
  const setScheduler = (change: Partial<SchedulerDraft>) =>
    update((d) => {
      const scheduler = { ...d.scheduler, ...change };
      const steps = d.parameters[STEPS_PATH];
      // A scheduler sets each trial's steps: the steps row cannot stay ticked under one.
      const parameters =
        scheduler.kind !== "none" && steps?.enabled
          ? { ...d.parameters, [STEPS_PATH]: { ...steps, enabled: false } }
          : d.parameters;
      return { ...d, scheduler, parameters };
    });

  /** An input's label for the banner: a row's field label and part, or the form's own label. */
  const labelOf = (id: string): string => {
    if (FORM_INPUTS[id] !== undefined) return FORM_INPUTS[id];
    const field = fields.find(
      (f) => id === parameterIssuePath(f.path) || id.startsWith(`${parameterIssuePath(f.path)}.`),
    );
    if (!field) return id;
    const part = id.slice(parameterIssuePath(field.path).length + 1);
    return part ? `${field.label} (${part})` : field.label;
  };
  const bannerItems = (fieldErrors: Record<string, string>) =>
    fieldIds
      .filter((id) => fieldErrors[id] !== undefined)
      .map((id) => ({ field: id, text: `${labelOf(id)}: ${fieldErrors[id]}` }));

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setChecked(true);
    const local = placeIssues(built.issues, fieldIds);
    if (built.issues.length > 0) {
      const items = [
        ...bannerItems(local.fieldErrors),
        ...local.unplaced.map((i) => ({ field: null, text: `${i.path}: ${i.message}` })),
      ];
      setBanner({
        title: `${items.length === 1 ? "One thing needs" : `${items.length} things need`} a fix before starting:`,
        items,
      });
      setFocusRequest((n) => n + 1);
      return;
    }
    setSubmitting(true);
    setBanner(null);
    try {
      const answer = await api<{ url?: string }>("POST", "/api/sweeps", built.body);
      if (answer.ok && answer.body.url) {
        window.location.href = answer.body.url;
        return;
      }
      const placed = placeIssues(answer.body.issues ?? [], fieldIds);
      setServerErrors(placed.fieldErrors);
      setBanner({
        title: `${answer.body.error ?? `HTTP ${answer.status}`}${answer.body.issues?.length ? ":" : ""}`,
        items: [
          ...bannerItems(placed.fieldErrors),
          ...placed.unplaced.map((i) => ({ field: null, text: `${i.path}: ${i.message}` })),
        ],
      });
    } catch (error) {
      setBanner({ title: `Could not reach the server: ${String(error)}`, items: [] });
    }
    setFocusRequest((n) => n + 1);
    setSubmitting(false);
  };

  const focusField = (id: string) => (event: React.MouseEvent) => {
    event.preventDefault();
    const el = document.getElementById(id);
    el?.scrollIntoView({ block: "center" });
    el?.focus({ preventScroll: true });
  };

  /** A labelled input of the form's own, with its error. */
  const input = (id: string, value: string, onChange: (v: string) => void, help?: string, placeholder?: string) => (
    <div className={errors[id] ? "field has-error" : "field"}>
      <label htmlFor={id}>{FORM_INPUTS[id]}</label>
      <input
        id={id}
        name={id}
        type="text"
        inputMode={id === "definition.name" ? "text" : "numeric"}
        value={value}
        placeholder={placeholder}
        aria-invalid={errors[id] ? true : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      {help && <span className="help">{help}</span>}
      {errors[id] && <span className="error">{errors[id]}</span>}
    </div>
  );
  const errorOf = (id: string) => errors[id] && <span className="error">{errors[id]}</span>;

  const scheduled = draft.scheduler.kind !== "none";
  const choices = metricChoices(metricKeys);
  return (
    <form ref={formRef} onSubmit={submit} noValidate data-testid="sweep-form">
      {banner && (
        <div className="error-box" role="alert" ref={bannerRef} tabIndex={-1} data-testid="sweep-errors">
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
      <div className="panel">
        <h2 id="definition.parameters" tabIndex={-1}>
          Parameters
        </h2>
        <p className="muted">
          Tick the settings the sweep varies. Each range is proposed around the run&apos;s value; the rest of the
          run&apos;s config is every trial&apos;s base.
        </p>
        {errorOf("definition.parameters")}
        <div className="table-scroll">
          <table className="grid sweep-params" data-testid="sweep-params">
            <thead>
              <tr>
                <th>Vary</th>
                <th>Setting</th>
                <th className="num">Run&apos;s value</th>
                <th>Kind</th>
                <th>Range or values</th>
              </tr>
            </thead>
            <tbody>
              {fields.map((field) => (
                <SweepParameterRow
                  key={field.path}
                  field={field}
                  draft={draft.parameters[field.path] ?? { enabled: false, ...proposeRange(field, "choice") }}
                  grid={draft.method === "grid"}
                  locked={
                    field.path === STEPS_PATH && scheduled
                      ? "The scheduler sets each trial's steps (its rungs, up to the last rung)"
                      : null
                  }
                  errors={errors}
                  onChange={(row) => setRow(field.path, row)}
                  onKindChange={(kind) => setKind(field, kind)}
                />
              ))}
            </tbody>
          </table>
        </div>
      </div>
      <div className="row">
        <div className="col panel">
          <h2>Search</h2>
          <div className={errors["definition.method"] ? "field has-error" : "field"}>
            <label htmlFor="definition.method">Search</label>
            <select
              id="definition.method"
              value={draft.method}
              aria-invalid={errors["definition.method"] ? true : undefined}
              onChange={(e) => update((d) => ({ ...d, method: e.target.value as SweepFormDraft["method"] }))}
              data-testid="sweep-method-select"
            >
              <option value="random">random: independent samples</option>
              <option value="grid">grid: every combination, in order</option>
            </select>
            {draft.method === "grid" && (
              <span className="help">
                Continuous ranges take evenly spaced grid points (log-spaced for log-uniform).
              </span>
            )}
            {errorOf("definition.method")}
          </div>
          {input(
            "definition.limits.maxTrials",
            draft.maxTrials,
            (v) => update((d) => ({ ...d, maxTrials: v })),
            "At most 1000; a grid stops at its size.",
          )}
          {input(
            "definition.limits.maxConcurrent",
            draft.maxConcurrent,
            (v) => update((d) => ({ ...d, maxConcurrent: v })),
            "Trials queued or training at the same time.",
          )}
          {input(
            "definition.limits.stepBudget",
            draft.stepBudget,
            (v) => update((d) => ({ ...d, stepBudget: v })),
            "Optimiser steps over all trials; the sweep launches nothing past it.",
            "no budget",
          )}
        </div>
        <div className="col panel">
          <h2>Early stopping</h2>
          <div className={errors["definition.scheduler.kind"] ? "field has-error" : "field"}>
            <label htmlFor="definition.scheduler.kind">Scheduler</label>
            <select
              id="definition.scheduler.kind"
              value={draft.scheduler.kind}
              aria-invalid={errors["definition.scheduler.kind"] ? true : undefined}
              onChange={(e) => setScheduler({ kind: e.target.value as SchedulerDraft["kind"] })}
              data-testid="sweep-scheduler-select"
            >
              <option value="asha">ASHA: stop the worse trials at each rung</option>
              <option value="hyperband">Hyperband: ASHA over brackets that start later</option>
              <option value="none">none: every trial trains the run&apos;s steps</option>
            </select>
            {errorOf("definition.scheduler")}
            {errorOf("definition.scheduler.kind")}
          </div>
          {scheduled ? (
            <>
              {input(
                "definition.scheduler.eta",
                draft.scheduler.eta,
                (v) => setScheduler({ eta: v }),
                "The top 1/η of each rung train on, to η times the steps (2 to 10).",
              )}
              {input(
                "definition.scheduler.minSteps",
                draft.scheduler.minSteps,
                (v) => setScheduler({ minSteps: v }),
                "Where every trial is first judged; the run validates every " +
                  `${sourceRun.training.evalEvery} steps.`,
              )}
              {input(
                "definition.scheduler.maxSteps",
                draft.scheduler.maxSteps,
                (v) => setScheduler({ maxSteps: v }),
                "The most any trial trains.",
              )}
            </>
          ) : (
            <p className="help muted">Every trial trains {sourceRun.training.steps} steps, the run&apos;s own count.</p>
          )}
        </div>
        <div className="col panel">
          <h2>Metric</h2>
          <div className={errors["definition.metric.name"] ? "field has-error" : "field"}>
            <label htmlFor="definition.metric.name">Metric</label>
            <select
              id="definition.metric.name"
              value={draft.metric.name}
              aria-invalid={errors["definition.metric.name"] ? true : undefined}
              onChange={(e) =>
                update((d) => ({ ...d, metric: { name: e.target.value, goal: metricGoal(e.target.value) } }))
              }
              data-testid="sweep-metric-select"
            >
              {choices.map((key) => (
                <option key={key} value={key}>
                  {key}
                </option>
              ))}
            </select>
            <span className="help">Its last value at the end of each rung ranks the trials.</span>
            {errorOf("definition.metric")}
            {errorOf("definition.metric.name")}
          </div>
          <div className={errors["definition.metric.goal"] ? "field has-error" : "field"}>
            <label htmlFor="definition.metric.goal">Goal</label>
            <select
              id="definition.metric.goal"
              value={draft.metric.goal}
              aria-invalid={errors["definition.metric.goal"] ? true : undefined}
              onChange={(e) =>
                update((d) => ({
                  ...d,
                  metric: { ...d.metric, goal: e.target.value as SweepFormDraft["metric"]["goal"] },
                }))
              }
              data-testid="sweep-goal-select"
            >
              <option value="minimize">minimize</option>
              <option value="maximize">maximize</option>
            </select>
            {errorOf("definition.metric.goal")}
          </div>
          {input(
            "definition.name",
            draft.name,
            (v) => update((d) => ({ ...d, name: v })),
            undefined,
            "generated when empty",
          )}
          <button type="submit" disabled={submitting} data-testid="sweep-submit">
            {submitting ? "Starting..." : "Start sweep"}
          </button>
        </div>
      </div>
      <details className="panel" data-testid="sweep-json">
        <summary>JSON: the request this form sends to POST /api/sweeps</summary>
        <pre className="sweep-json">{JSON.stringify(built.body, null, 2)}</pre>
      </details>
    </form>
  );
}
