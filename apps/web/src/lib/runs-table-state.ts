import {
  FilterSyntaxError,
  foldSummary,
  formatFieldRef,
  formatRunFilter,
  parseFieldRef,
  parseRunFilter,
  splitFieldList,
  type FilterField,
  type FilterNode,
  type FilterValue,
  type MetricSummary,
  type RunRow,
  type RunStatus,
  type RunStreamEvent,
  TRAIN_LOSS_KEY,
} from "@seqlab/contracts";

// The runs table's pure logic: what the URL says (filter, sort, columns, group, selection) and what the API is
// asked for, how live stream events fold into loaded rows, grouping, cell formatting and the CSV export. The
// component files only wire these to React, the URL (nuqs) and fetch.

/** Rows per `GET /api/runs` page while scrolling: a few screens' worth, small enough to answer in one query. */
export const RUNS_PAGE_SIZE = 500;
/** Rows per request of the CSV export: the API's largest page. */
export const EXPORT_PAGE_SIZE = 1000;
/** The compare page overlays at most this many runs. */
export const MAX_COMPARE_RUNS = 20;
/**
 * Selected ids kept in the URL: 200 ids are about 5 KB, well under the 16 KB a Node server accepts in its request
 * headers; a larger selection lives in the page only (a refresh would otherwise be refused).
 */
export const MAX_URL_SELECTED = 200;
/** The extra column the table shows when the URL names none. */
export const DEFAULT_EXTRA_COLUMNS: readonly string[] = [`summary.${TRAIN_LOSS_KEY}`];
/** What `columns=` says for "no extra columns" (absent means the default): it names no field, so it is unambiguous. */
export const NO_COLUMNS = "none";

/** One sort key as the URL and the API spell it: a canonical field text, descending or not. */
export interface SortKey {
  field: string;
  desc: boolean;
}

const fieldCache = new Map<string, FilterField | null>();

/** The parsed field of a field text, or null when it names none (memoised: rows ask for the same few often). */
export function fieldOf(text: string): FilterField | null {
  let field = fieldCache.get(text);
  if (field === undefined) {
    try {
      field = parseFieldRef(text);
    } catch (error) {
      if (!(error instanceof FilterSyntaxError)) throw error;
      field = null;
    }
    fieldCache.set(text, field);
  }
  return field;
}

/** The canonical text of a field (`summary.loss.last` -> `summary.loss`), or null when the text names no field. */
export function canonicalField(text: string): string | null {
  const field = fieldOf(text);
  return field ? formatFieldRef(field) : null;
}

/** Whether a field text is an extra column (config.* or summary.*), as opposed to a built-in one. */
export function isExtraField(text: string): boolean {
  const field = fieldOf(text);
  return field !== null && field.kind !== "column";
}

/** The sort keys of a `sort=` text; fields that do not parse and repeats are dropped. */
export function parseSortParam(text: string | null): SortKey[] {
  const out: SortKey[] = [];
  for (const part of splitFieldList(text ?? "")) {
    const desc = part.startsWith("-");
    const field = canonicalField(desc ? part.slice(1) : part);
    if (field && !out.some((k) => k.field === field)) out.push({ field, desc });
  }
  return out;
}

/** The `sort=` text of sort keys; null (no parameter) when there are none. */
export function formatSortParam(sort: readonly SortKey[]): string | null {
  return sort.length === 0 ? null : sort.map((k) => `${k.desc ? "-" : ""}${k.field}`).join(",");
}

/** The extra columns a `columns=` text names, in order: absent means {@link DEFAULT_EXTRA_COLUMNS}. */
export function parseColumnsParam(text: string | null): string[] {
  if (text === null) return [...DEFAULT_EXTRA_COLUMNS];
  if (text.trim() === NO_COLUMNS) return [];
  const out: string[] = [];
  for (const part of splitFieldList(text)) {
    const field = canonicalField(part);
    if (field && isExtraField(field) && !out.includes(field)) out.push(field);
  }
  return out;
}

/** The `columns=` text of extra columns; null (no parameter) for the default. */
export function formatColumnsParam(columns: readonly string[]): string | null {
  if (columns.length === 0) return NO_COLUMNS;
  const isDefault =
    columns.length === DEFAULT_EXTRA_COLUMNS.length && columns.every((c, i) => c === DEFAULT_EXTRA_COLUMNS[i]);
  return isDefault ? null : columns.join(",");
}

/** The config field a `group=` text groups by, or null (no grouping, or something that is not a config key). */
export function parseGroupParam(text: string | null): string | null {
  if (!text) return null;
  const field = fieldOf(text);
  return field?.kind === "config" ? formatFieldRef(field) : null;
}

/** The run ids of a `selected=` text. */
export function parseSelectedParam(text: string | null): string[] {
  return [...new Set((text ?? "").split(",").map((s) => s.trim()))].filter((s) => s.length > 0);
}

/** The `selected=` text of a selection; null when empty or too large for a URL ({@link MAX_URL_SELECTED}). */
export function formatSelectedParam(ids: readonly string[]): string | null {
  return ids.length === 0 || ids.length > MAX_URL_SELECTED ? null : ids.join(",");
}

/**
 * The sort after a click on a column's header: a column cycles ascending, descending, off. A plain click makes it
 * the only sort key; `additive` (shift-click) keeps the others and appends it (or cycles it in place).
 */
export function nextSort(sort: readonly SortKey[], field: string, additive: boolean): SortKey[] {
  const current = sort.find((k) => k.field === field);
  const next: SortKey | null = !current ? { field, desc: false } : !current.desc ? { field, desc: true } : null;
  if (!additive) return next ? [next] : [];
  if (!current) return [...sort, next as SortKey];
  return next ? sort.map((k) => (k.field === field ? next : k)) : sort.filter((k) => k.field !== field);
}

/** What the server sorts by: the grouped field first (so each group's rows are contiguous), then the user's sort. */
export function requestSort(sort: readonly SortKey[], group: string | null): SortKey[] {
  if (!group) return [...sort];
  const own = sort.find((k) => k.field === group);
  return [own ?? { field: group, desc: false }, ...sort.filter((k) => k.field !== group)];
}

/** What columns the server returns: the extra columns, plus the grouped field (its values make the groups). */
export function requestColumns(columns: readonly string[], group: string | null): string[] {
  return group && !columns.includes(group) ? [...columns, group] : [...columns];
}

/** The table's state as the URL holds it, parsed. */
export interface RunsTableParams {
  filter: string;
  sort: SortKey[];
  columns: string[];
  group: string | null;
}

/** The URL parameters of the table (absent ones as null), parsed into its state. */
export function parseTableParams(params: {
  filter?: string | null;
  sort?: string | null;
  columns?: string | null;
  group?: string | null;
}): RunsTableParams {
  return {
    filter: params.filter ?? "",
    sort: parseSortParam(params.sort ?? null),
    columns: parseColumnsParam(params.columns ?? null),
    group: parseGroupParam(params.group ?? null),
  };
}

/** What `GET /api/runs` is asked for (filter, sort and columns texts); equal queries answer the same rows. */
export interface RunsQuery {
  filter: string;
  sort: SortKey[];
  columns: string[];
}

/** The query a table state asks the API for. */
export function runsQuery(state: RunsTableParams): RunsQuery {
  return {
    filter: state.filter.trim(),
    sort: requestSort(state.sort, state.group),
    columns: requestColumns(state.columns, state.group),
  };
}

/** A string that is equal for equal queries (what the page cache is keyed by). */
export function runsQueryKey(query: RunsQuery): string {
  return JSON.stringify([query.filter, formatSortParam(query.sort), query.columns.join(",")]);
}

/** The `GET /api/runs` URL of one page of a query. */
export function runsApiPath(
  scope: { team: string; project: string },
  query: RunsQuery,
  offset: number,
  limit: number,
): string {
  const params = new URLSearchParams({ team: scope.team, project: scope.project });
  if (query.filter) params.set("filter", query.filter);
  const sort = formatSortParam(query.sort);
  if (sort) params.set("sort", sort);
  if (query.columns.length > 0) params.set("columns", query.columns.join(","));
  params.set("limit", String(limit));
  params.set("offset", String(offset));
  return `/api/runs?${params.toString()}`;
}

/** A filter that does not parse, as the bar shows it: the reason and where (a 0-based offset, when known). */
export interface FilterProblem {
  message: string;
  position: number | null;
  /** Characters the problem spans (0 when it is a point, e.g. the end of the text). */
  length: number;
}

/** A filter text parsed client-side: its AST (null for an empty text), or the problem to show under the bar. */
export function checkFilterText(
  text: string,
): { ok: true; node: FilterNode | null } | { ok: false; problem: FilterProblem } {
  try {
    return { ok: true, node: parseRunFilter(text) };
  } catch (error) {
    if (!(error instanceof FilterSyntaxError)) throw error;
    return { ok: false, problem: { message: error.reason, position: error.position, length: error.length } };
  }
}

/**
 * The problem in the API's 400 answer (`{ error, issues: [{ path: "filter", message: "... at 14 (at 14)" }] }`),
 * with the position taken out of the message; null when the answer names no filter issue.
 */
export function serverFilterProblem(body: {
  error?: string;
  issues?: { path: string; message: string }[];
}): FilterProblem | null {
  const issue = body.issues?.find((i) => i.path === "filter");
  if (!issue) return null;
  const at = /\(at (\d+)\)\s*$/.exec(issue.message);
  const position = at ? Number(at[1]) : null;
  const message = issue.message.replace(/\s*\(at \d+\)\s*$/, "").replace(/ at \d+$/, "");
  return { message, position, length: 0 };
}

/** Operators of the visual builder: the filter's comparisons, plus IN (a comma-separated list) and EXISTS. */
export const BUILDER_OPS = ["=", "!=", "<", "<=", ">", ">=", "~", "IN", "EXISTS"] as const;
export type BuilderOp = (typeof BUILDER_OPS)[number];

/** One "+ condition" row of the visual builder. */
export interface BuilderCondition {
  /** A field text: `status`, `config.training.steps`, `summary.loss.min`. */
  field: string;
  op: BuilderOp;
  /** The value as typed; a comma-separated list for IN; ignored for EXISTS. */
  value: string;
  /** Wrap the condition in NOT. */
  negate: boolean;
}

/** The builder's conditions and how they combine. */
export interface FilterBuilderState {
  join: "and" | "or";
  conditions: BuilderCondition[];
}

const NUMBER_TEXT = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const NO_SPAN = { start: 0, end: 0 };

/** A typed value as the user means it: numbers and booleans as such, anything else as text (the parser retypes it). */
function literalOf(text: string): FilterValue {
  const trimmed = text.trim();
  if (NUMBER_TEXT.test(trimmed) && Number.isFinite(Number(trimmed))) {
    return { kind: "number", value: Number(trimmed), ...NO_SPAN };
  }
  const lower = trimmed.toLowerCase();
  if (lower === "true" || lower === "false") return { kind: "boolean", value: lower === "true", ...NO_SPAN };
  return { kind: "string", value: trimmed, ...NO_SPAN };
}

/** Whether a builder row is filled in enough to become part of the filter. */
export function isCompleteCondition(condition: BuilderCondition): boolean {
  if (!fieldOf(condition.field)) return false;
  if (condition.op === "EXISTS") return true;
  if (condition.op === "IN") return condition.value.split(",").some((v) => v.trim() !== "");
  return condition.value.trim() !== "";
}

function conditionNode(condition: BuilderCondition): FilterNode {
  const field = fieldOf(condition.field) as FilterField;
  let node: FilterNode;
  if (condition.op === "EXISTS") node = { kind: "exists", field, ...NO_SPAN };
  else if (condition.op === "IN") {
    const values = condition.value
      .split(",")
      .filter((v) => v.trim() !== "")
      .map(literalOf);
    node = { kind: "in", field, values, ...NO_SPAN };
  } else node = { kind: "compare", field, op: condition.op, value: literalOf(condition.value), ...NO_SPAN };
  return condition.negate ? { kind: "not", operand: node, ...NO_SPAN } : node;
}

/**
 * The filter text of the builder's rows (incomplete rows left out): a FilterNode formatted with `formatRunFilter`,
 * in its canonical spelling when it parses (`status = running` becomes `status = RUNNING`); "" for no rows.
 */
export function builderToFilterText(state: FilterBuilderState): string {
  const nodes = state.conditions.filter(isCompleteCondition).map(conditionNode);
  if (nodes.length === 0) return "";
  const combined = nodes.reduce((left, right) => ({ kind: state.join, left, right, ...NO_SPAN }));
  const text = formatRunFilter(combined);
  const checked = checkFilterText(text);
  return checked.ok && checked.node ? formatRunFilter(checked.node) : text;
}

function valueText(value: FilterValue): string {
  switch (value.kind) {
    case "number":
    case "boolean":
      return String(value.value);
    case "string":
      return value.value;
    case "date":
      return value.relative ?? (value.precision === "day" ? value.value.slice(0, 10) : value.value);
  }
}

/** A builder row for a plain comparison (maybe under one NOT); null for anything the builder cannot show. */
function conditionOf(node: FilterNode): BuilderCondition | null {
  const negate = node.kind === "not";
  const leaf = node.kind === "not" ? node.operand : node;
  const field = "field" in leaf ? formatFieldRef(leaf.field) : "";
  switch (leaf.kind) {
    case "compare": {
      const value = valueText(leaf.value);
      // An empty text would read as an unfinished row; a value typed as text that looks like a number or a
      // boolean would be retyped, which is harmless for text fields but not for config values.
      if (
        value === "" ||
        (leaf.field.kind === "config" && leaf.value.kind === "string" && literalOf(value).kind !== "string")
      ) {
        return null;
      }
      return { field, op: leaf.op, value, negate };
    }
    case "in": {
      const values = leaf.values.map(valueText);
      if (values.some((v) => v === "" || v.includes(","))) return null;
      return { field, op: "IN", value: values.join(", "), negate };
    }
    case "exists":
      return { field, op: "EXISTS", value: "", negate };
    default:
      return null;
  }
}

function flatten(node: FilterNode, kind: "and" | "or"): FilterNode[] {
  return node.kind === kind ? [...flatten(node.left, kind), ...flatten(node.right, kind)] : [node];
}

/**
 * The builder's rows for a filter text: its top-level AND (or OR) conditions when each is a simple comparison;
 * null when the text does not parse or is more than the builder shows ("edited as text").
 */
export function filterTextToBuilder(text: string): FilterBuilderState | null {
  const checked = checkFilterText(text);
  if (!checked.ok) return null;
  if (!checked.node) return { join: "and", conditions: [] };
  const join = checked.node.kind === "or" ? "or" : "and";
  const conditions: BuilderCondition[] = [];
  for (const part of flatten(checked.node, join)) {
    const condition = conditionOf(part);
    if (!condition) return null;
    conditions.push(condition);
  }
  return { join, conditions };
}

/** The terminal statuses, after which the run's duration stops growing. */
const TERMINAL = new Set<RunStatus>(["SUCCEEDED", "FAILED", "CANCELLED", "DIVERGED", "CRASHED"]);

/** Whether a run may still change (its duration grows, progress arrives). */
export function isLive(status: RunStatus): boolean {
  return !TERMINAL.has(status);
}

/**
 * A row with a status event applied: the new status, and the start or finish time it implies (now), so the
 * duration column is right until the next refetch brings the stored times.
 */
export function applyStatus(row: RunRow, status: RunStatus, at: string): RunRow {
  if (row.status === status) return row;
  const startedAt = row.startedAt ?? (status === "RUNNING" ? at : null);
  const finishedAt = TERMINAL.has(status) ? (row.finishedAt ?? (startedAt ? at : null)) : null;
  return { ...row, status, startedAt, finishedAt };
}

const num = (v: unknown): number | null => (typeof v === "number" ? v : null);

/**
 * A row with a progress event folded in: `lastStep`, and every `summary.<key>.<aggregate>` column of a key the
 * event carries. Each window covers only the points since the previous event, so it is folded (`foldSummary`)
 * into the summary the row's columns hold; without a `.step` column the row's last step stands in for the key's.
 */
export function applyProgress(row: RunRow, step: number, summaries: readonly MetricSummary[]): RunRow {
  const byKey = new Map<string, { aggregate: string; text: string }[]>();
  for (const text of Object.keys(row.values)) {
    const field = fieldOf(text);
    if (field?.kind !== "summary") continue;
    const list = byKey.get(field.key) ?? [];
    list.push({ aggregate: field.aggregate, text });
    byKey.set(field.key, list);
  }
  let values = row.values;
  for (const window of summaries) {
    const columns = byKey.get(window.key);
    if (!columns) continue;
    const at = (aggregate: string) => num(values[columns.find((c) => c.aggregate === aggregate)?.text ?? ""]);
    const knownStep = at("step") ?? row.lastStep;
    const last = at("last");
    const prev: MetricSummary | undefined =
      knownStep === null && last === null
        ? undefined
        : {
            key: window.key,
            last: last ?? Number.NaN,
            min: at("min"),
            max: at("max"),
            step: knownStep ?? -1,
            count: at("count") ?? 0,
            wallTime: 0,
          };
    const folded = foldSummary(prev, window);
    values = { ...values };
    for (const { aggregate, text } of columns) {
      values[text] = folded[aggregate as "last" | "min" | "max" | "step" | "count"];
    }
  }
  const lastStep = row.lastStep === null ? step : Math.max(row.lastStep, step);
  return values === row.values && lastStep === row.lastStep ? row : { ...row, lastStep, values };
}

/** A row with one stream event applied (events of other kinds leave it as it was). */
export function applyRunEvent(row: RunRow, event: RunStreamEvent, at: string): RunRow {
  if (event.runId !== row.id) return row;
  if (event.type === "status") return applyStatus(row, event.status, at);
  if (event.type === "progress") return applyProgress(row, event.step, event.summaries);
  return row;
}

/** One group of the loaded rows: the grouped field's value, its rows, and the mean of each summary column. */
export interface RunGroup {
  /** A stable key for the value (its JSON). */
  key: string;
  value: unknown;
  rows: RunRow[];
  /** Per summary column: the mean over the rows with a number there; null when none has one. */
  means: Record<string, number | null>;
}

/** The loaded rows grouped by a field's value, in the order the values first appear (the server sorts by it). */
export function groupRuns(rows: readonly RunRow[], group: string, meanColumns: readonly string[]): RunGroup[] {
  const groups = new Map<string, RunGroup>();
  for (const row of rows) {
    const value = row.values[group] ?? null;
    const key = JSON.stringify(value);
    let entry = groups.get(key);
    if (!entry) {
      entry = { key, value, rows: [], means: {} };
      groups.set(key, entry);
    }
    entry.rows.push(row);
  }
  for (const entry of groups.values()) {
    for (const column of meanColumns) {
      const numbers = entry.rows.map((r) => r.values[column]).filter((v): v is number => typeof v === "number");
      entry.means[column] = numbers.length === 0 ? null : numbers.reduce((a, b) => a + b, 0) / numbers.length;
    }
  }
  return [...groups.values()];
}

/** What the grouped table lists: group header rows, each followed by its rows unless collapsed. */
export type GroupedItem = { kind: "group"; group: RunGroup; collapsed: boolean } | { kind: "row"; row: RunRow };

/** The grouped table's items in display order. */
export function groupedItems(groups: readonly RunGroup[], collapsed: ReadonlySet<string>): GroupedItem[] {
  const items: GroupedItem[] = [];
  for (const group of groups) {
    const isCollapsed = collapsed.has(group.key);
    items.push({ kind: "group", group, collapsed: isCollapsed });
    if (!isCollapsed) for (const row of group.rows) items.push({ kind: "row", row });
  }
  return items;
}

/** The leading rows of a sparse page cache that are loaded without a gap (what grouping works on). */
export function contiguousRows(pages: ReadonlyMap<number, readonly RunRow[]>): RunRow[] {
  const rows: RunRow[] = [];
  for (let page = 0; pages.has(page); page++) rows.push(...(pages.get(page) as RunRow[]));
  return rows;
}

/** The pages of `pageSize` rows that hold rows `start`..`end` (inclusive), in order. */
export function pagesCovering(start: number, end: number, pageSize: number): number[] {
  if (end < start || end < 0) return [];
  const pages: number[] = [];
  for (let p = Math.floor(Math.max(0, start) / pageSize); p <= Math.floor(end / pageSize); p++) pages.push(p);
  return pages;
}

/** A number in at most 4 significant digits: `0.1235`, `64`, `1.235e-5`, `1.235e+7`. */
export function formatCompactNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (n === 0) return "0";
  const abs = Math.abs(n);
  if (Number.isInteger(n) && abs < 1e6) return String(n);
  const rounded = Number(n.toPrecision(4));
  if (abs >= 1e-3 && abs < 1e6) return String(rounded);
  return rounded.toExponential(3).replace(/\.?0+e/, "e");
}

/** A cell's text for a config or summary value: numbers compactly, objects as JSON, nothing as "–". */
export function formatCellValue(value: unknown): string {
  if (value === null || value === undefined) return "–";
  if (typeof value === "number") return formatCompactNumber(value);
  if (typeof value === "string") return value;
  if (typeof value === "boolean" || typeof value === "bigint") return String(value);
  return JSON.stringify(value);
}

/** A duration the way the table shows it: `12s`, `4m12s`, `3h05m`, `2d04h`. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const pad = (n: number) => String(n).padStart(2, "0");
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${pad(seconds % 60)}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h${pad(minutes % 60)}m`;
  return `${Math.floor(hours / 24)}d${pad(hours % 24)}h`;
}

/**
 * How long a run has trained: start to finish, or start to `now` while it runs; null before it started, or while
 * it runs when `now` is not known yet (the server's render, which the browser's first render must match).
 */
export function runDurationMs(
  run: Pick<RunRow, "startedAt" | "finishedAt" | "status">,
  now: number | null,
): number | null {
  if (!run.startedAt) return null;
  const start = Date.parse(run.startedAt);
  const end = run.finishedAt ? Date.parse(run.finishedAt) : isLive(run.status) ? now : null;
  return end === null ? null : Math.max(0, end - start);
}

/** `created` as the table shows it: `45s ago`, `12m ago`, `3h ago`, `5d ago`, else the date (UTC without `now`). */
export function formatRelativeTime(iso: string, now: number | null): string {
  const time = Date.parse(iso);
  if (now === null) return new Date(time).toISOString().slice(0, 10);
  const seconds = Math.max(0, Math.round((now - time) / 1000));
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h ago`;
  if (seconds < 30 * 86_400) return `${Math.floor(seconds / 86_400)}d ago`;
  return new Date(time).toISOString().slice(0, 10);
}

/** The built-in columns, in their default order, and the field each sorts by (null: not sortable). */
export const BUILTIN_COLUMNS = [
  { id: "status", label: "Status", sortField: "status" },
  { id: "name", label: "Name", sortField: "name" },
  { id: "user", label: "User", sortField: "user" },
  { id: "tags", label: "Tags", sortField: "tags" },
  { id: "model", label: "Model", sortField: "model" },
  { id: "dataset", label: "Dataset", sortField: "dataset" },
  { id: "created", label: "Created", sortField: "created" },
  { id: "duration", label: "Duration", sortField: "duration" },
  { id: "step", label: "Step", sortField: "step" },
] as const;

/** A column's header text: built-ins by name, `config.a.b` as `a.b`, `summary.loss.min` as `loss.min`. */
export function columnLabel(column: string): string {
  const builtin = BUILTIN_COLUMNS.find((c) => c.id === column);
  if (builtin) return builtin.label;
  const field = fieldOf(column);
  if (field?.kind === "config") return field.path.join(".");
  if (field?.kind === "summary") return field.aggregate === "last" ? field.key : `${field.key}.${field.aggregate}`;
  return column;
}

/** Whether a column holds numbers (right-aligned): step, summary metrics, and config values that are numbers. */
export function isNumericColumn(column: string): boolean {
  return column === "step" || column === "duration" || fieldOf(column)?.kind === "summary";
}

/** A cell of the CSV export: full precision, ISO times, durations in seconds, tags joined with ";". */
export function exportCell(row: RunRow, column: string, now: number): string {
  switch (column) {
    case "id":
      return row.id;
    case "status":
      return row.status;
    case "name":
      return row.name;
    case "user":
      return row.createdBy?.name ?? "";
    case "tags":
      return row.tags.join(";");
    case "model":
      return row.modelName;
    case "dataset":
      return row.datasetName;
    case "created":
      return row.createdAt;
    case "duration": {
      const ms = runDurationMs(row, now);
      return ms === null ? "" : String(ms / 1000);
    }
    case "step":
      return row.lastStep === null ? "" : String(row.lastStep);
    default: {
      const value = row.values[column];
      if (value === null || value === undefined) return "";
      return typeof value === "object" ? JSON.stringify(value) : String(value as string | number | boolean);
    }
  }
}

/** A CSV field per RFC 4180: quoted when it holds a comma, a quote or a line break, quotes doubled. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A CSV document per RFC 4180: one record per line, CRLF after each. */
export function buildCsv(records: readonly (readonly string[])[]): string {
  return records.map((r) => `${r.map(csvField).join(",")}\r\n`).join("");
}

/** The CSV of runs: a header of the columns' field texts (`id` first), then a record per run. */
export function runsCsv(rows: readonly RunRow[], columns: readonly string[], now: number): string {
  const all = ["id", ...columns.filter((c) => c !== "id")];
  return buildCsv([all, ...rows.map((row) => all.map((c) => exportCell(row, c, now)))]);
}

/** One run's answer of `POST /api/runs/bulk`. */
export interface BulkResult {
  id: string;
  ok: boolean;
  status: number;
  outcome?: string;
  error?: string;
}

/** A bulk action's answer in a line: `3 changed, 1 not allowed, 1 already finished`. */
export function summarizeBulkResults(results: readonly BulkResult[]): string {
  const changed = results.filter((r) => r.ok).length;
  const denied = results.filter((r) => !r.ok && (r.status === 403 || r.status === 404)).length;
  const finished = results.filter((r) => !r.ok && r.status === 409).length;
  const other = results.length - changed - denied - finished;
  const parts = [`${changed} changed`];
  if (denied) parts.push(`${denied} not allowed`);
  if (finished) parts.push(`${finished} already finished`);
  if (other) parts.push(`${other} failed`);
  return parts.join(", ");
}

/** The compare page of runs (the first {@link MAX_COMPARE_RUNS}). */
export function compareHref(scope: { team: string; project: string }, ids: readonly string[]): string {
  return `/t/${scope.team}/p/${scope.project}/compare?runs=${ids.slice(0, MAX_COMPARE_RUNS).join(",")}`;
}

/** The ids of the rows at display positions `from`..`to` (either order, inclusive), skipping unloaded rows. */
export function idsInRange(rowAt: (index: number) => RunRow | undefined, from: number, to: number): string[] {
  const ids: string[] = [];
  for (let i = Math.max(0, Math.min(from, to)); i <= Math.max(from, to); i++) {
    const row = rowAt(i);
    if (row) ids.push(row.id);
  }
  return ids;
}

/** Field options for filters and the column picker, from `GET /api/runs/fields`. */
export function configFieldTexts(paths: readonly string[]): string[] {
  return paths.map((p) => formatFieldRef({ kind: "config", path: p.split(".") }));
}

/** `summary.<key>` columns for the picker and the builder: last, min and max of every metric key. */
export function summaryFieldTexts(keys: readonly string[]): string[] {
  return keys.flatMap((key) =>
    (["last", "min", "max"] as const).map((aggregate) => formatFieldRef({ kind: "summary", key, aggregate })),
  );
}
