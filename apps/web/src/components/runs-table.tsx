"use client";

import { memo, useCallback, useEffect, useMemo, useRef, useState, type Key, type ReactNode } from "react";
import {
  flexRender,
  getCoreRowModel,
  useReactTable,
  type Cell,
  type ColumnDef,
  type RowSelectionState,
  type Table,
  type Updater,
  type VisibilityState,
} from "@tanstack/react-table";
import { useVirtualizer } from "@tanstack/react-virtual";
import { parseAsString, useQueryStates } from "nuqs";
import { RunStreamEvent, type RunRow } from "@seqlab/contracts";
import { BulkActions } from "./bulk-actions";
import { ColumnPicker } from "./column-picker";
import { FilterBar } from "./filter-bar";
import {
  BUILTIN_COLUMNS,
  EXPORT_PAGE_SIZE,
  RUNS_PAGE_SIZE,
  applyRunEvent,
  columnLabel,
  configFieldTexts,
  contiguousRows,
  formatCellValue,
  formatColumnsParam,
  formatCompactNumber,
  formatDuration,
  formatRelativeTime,
  formatSelectedParam,
  formatSortParam,
  groupRuns,
  groupedItems,
  idsInRange,
  isNumericColumn,
  nextSort,
  pagesCovering,
  parseSelectedParam,
  parseTableParams,
  runDurationMs,
  runsApiPath,
  runsCsv,
  runsQuery,
  runsQueryKey,
  serverFilterProblem,
  summaryFieldTexts,
  type FilterProblem,
  type GroupedItem,
  type RunsQuery,
  type SortKey,
} from "../lib/runs-table-state";

/** Fixed row height (px): virtualisation measures nothing, so 10,000 rows scroll without layout work. */
const ROW_HEIGHT = 32;
/**
 * Rows rendered beyond each edge of the viewport. Four covers a wheel notch; each extra row is DOM built every frame
 * of a fast fling (12 held the fling at 47.7 frames/s, 4 at 50.8: bench/dashboard-figures.ts).
 */
const OVERSCAN = 4;
/** Live events are applied in batches this far apart: a row re-renders at most twice a second. */
const LIVE_FLUSH_MS = 500;
/** The viewport assumed before the browser measures it (the server's render): about 20 rows get rendered. */
const INITIAL_RECT = { width: 1200, height: 680 };

/** The URL parameters the table keeps its state in (nuqs; shallow, so changing them never re-renders the server). */
const TABLE_PARAMS = {
  filter: parseAsString,
  sort: parseAsString,
  columns: parseAsString,
  group: parseAsString,
  selected: parseAsString,
};

/** What the server page fetched for the first paint: the first page of the URL's query. */
export interface InitialRunsPage {
  /** `runsQueryKey` of the query this page answers; the table uses it only while the URL asks the same. */
  queryKey: string;
  rows: RunRow[];
  total: number;
  /** The filter's parse error, when the URL's filter does not parse. */
  problem: FilterProblem | null;
}

/** The loaded part of one query's result: a sparse cache of pages of {@link RUNS_PAGE_SIZE} rows. */
interface RunPages {
  /** A new id per query or reload: answers meant for an older one are dropped. */
  id: number;
  key: string;
  query: RunsQuery;
  pages: ReadonlyMap<number, RunRow[]>;
  /** How many runs match; null until the first page answers. */
  total: number | null;
  problem: FilterProblem | null;
  error: string | null;
  /** Runs that were launched (status events for runs not loaded) since this load. */
  unseen: number;
}

/** Load ids only need to differ within one table; a module counter is simplest. */
let nextLoadId = 1;

/** A new load of `query`, starting from the pages in `keep` (shown until their refetch answers). */
function freshPages(
  query: RunsQuery,
  keep: ReadonlyMap<number, RunRow[]> = new Map(),
  total: number | null = null,
): RunPages {
  return {
    id: nextLoadId++,
    key: runsQueryKey(query),
    query,
    pages: keep,
    total,
    problem: null,
    error: null,
    unseen: 0,
  };
}

type PageAnswer =
  { ok: true; runs: RunRow[]; total: number } | { ok: false; problem: FilterProblem | null; error: string | null };

async function fetchPage(
  scope: { team: string; project: string },
  query: RunsQuery,
  offset: number,
  limit: number,
  signal?: AbortSignal,
): Promise<PageAnswer> {
  const response = await fetch(runsApiPath(scope, query, offset, limit), { signal: signal ?? null });
  const body = (await response.json().catch(() => ({}))) as {
    runs?: RunRow[];
    total?: number;
    error?: string;
    issues?: { path: string; message: string }[];
  };
  if (response.ok) return { ok: true, runs: body.runs ?? [], total: body.total ?? 0 };
  const problem = response.status === 400 ? serverFilterProblem(body) : null;
  return { ok: false, problem, error: problem ? null : (body.error ?? `the server answered ${response.status}`) };
}

/**
 * The rows of a query, a page at a time: `want(pages)` loads the pages not loaded yet, `reload(pages)` fetches
 * those again (showing the old rows until the new ones come) and forgets the rest, `applyEvents` folds stream
 * events into the loaded rows.
 */
function useRunPages(scope: { team: string; project: string }, query: RunsQuery, initial: InitialRunsPage | null) {
  const key = runsQueryKey(query);
  const [state, setState] = useState<RunPages>(() =>
    initial && initial.queryKey === key
      ? {
          ...freshPages(query, new Map([[0, initial.rows]]), initial.total),
          problem: initial.problem,
          total: initial.problem ? 0 : initial.total,
        }
      : freshPages(query),
  );
  // Pages asked for, per load id: kept after the answer too, since an effect of the render before the answer may
  // still ask for the same page (a new load id, from `restart`, starts the set afresh).
  const requested = useRef(new Set<string>());
  const controller = useRef(new AbortController());
  const { team, project } = scope;

  const load = useCallback(
    (target: RunPages, page: number) => {
      const tag = `${target.id}:${page}`;
      if (requested.current.has(tag)) return;
      requested.current.add(tag);
      const signal = controller.current.signal;
      fetchPage({ team, project }, target.query, page * RUNS_PAGE_SIZE, RUNS_PAGE_SIZE, signal)
        .then((answer) => {
          setState((prev) => {
            if (prev.id !== target.id) return prev;
            if (!answer.ok) return { ...prev, problem: answer.problem, error: answer.error, total: prev.total ?? 0 };
            const pages = new Map(prev.pages);
            pages.set(page, answer.runs);
            return { ...prev, pages, total: answer.total, error: null };
          });
        })
        .catch((error: unknown) => {
          if (signal.aborted) return;
          setState((prev) => (prev.id === target.id ? { ...prev, error: String(error) } : prev));
        });
    },
    [team, project],
  );

  const restart = useCallback(
    (next: RunPages, pages: readonly number[]) => {
      controller.current.abort();
      controller.current = new AbortController();
      requested.current.clear();
      setState(next);
      for (const page of pages) load(next, page);
    },
    [load],
  );

  // A new query (filter, sort, columns, group): start again from the first page.
  useEffect(() => {
    if (state.key !== key) restart(freshPages(query), [0]);
  }, [key, query, state.key, restart]);

  const want = useCallback(
    (pages: readonly number[]) => {
      if (state.problem || state.error || state.key !== key) return;
      const total = state.total;
      for (const page of pages) {
        if (state.pages.has(page)) continue;
        if (total !== null && page * RUNS_PAGE_SIZE >= total && page > 0) continue;
        load(state, page);
      }
    },
    [state, key, load],
  );

  const reload = useCallback(
    (pages: readonly number[]) => {
      const keep = new Map<number, RunRow[]>();
      for (const page of pages) {
        const rows = state.pages.get(page);
        if (rows) keep.set(page, rows);
      }
      restart(freshPages(state.query, keep, state.total), pages.length > 0 ? pages : [0]);
    },
    [state, restart],
  );

  const applyEvents = useCallback((events: readonly RunStreamEvent[]) => {
    const at = new Date().toISOString();
    setState((prev) => {
      const byRun = new Map<string, RunStreamEvent[]>();
      for (const event of events) byRun.set(event.runId, [...(byRun.get(event.runId) ?? []), event]);
      let changed = false;
      const matched = new Set<string>();
      const pages = new Map<number, RunRow[]>();
      for (const [page, rows] of prev.pages) {
        let pageChanged = false;
        const next = rows.map((row) => {
          const mine = byRun.get(row.id);
          if (!mine) return row;
          matched.add(row.id);
          const patched = mine.reduce((r, e) => applyRunEvent(r, e, at), row);
          if (patched !== row) pageChanged = true;
          return patched;
        });
        pages.set(page, pageChanged ? next : rows);
        changed ||= pageChanged;
      }
      // What is left names runs not loaded here: a QUEUED one is most likely a new launch.
      const launched = [...byRun].filter(
        ([id, list]) => !matched.has(id) && list.some((e) => e.type === "status" && e.status === "QUEUED"),
      ).length;
      if (!changed && launched === 0) return prev;
      return { ...prev, pages: changed ? pages : prev.pages, unseen: prev.unseen + launched };
    });
  }, []);

  return { state, want, reload, applyEvents };
}

/** The current time, ticking each second while `live` (running durations) or each 30 s; null on the first render. */
function useNow(live: boolean): number | null {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), live ? 1000 : 30_000);
    return () => clearInterval(timer);
  }, [live]);
  return now;
}

/** The config.* and summary.* fields of the project's runs, for the picker, the builder and group by. */
function useRunFields(team: string, project: string): { config: string[]; summary: string[] } {
  const [fields, setFields] = useState<{ config: string[]; summary: string[] }>({ config: [], summary: [] });
  useEffect(() => {
    const controller = new AbortController();
    const params = new URLSearchParams({ team, project });
    fetch(`/api/runs/fields?${params.toString()}`, { signal: controller.signal })
      .then((r) => (r.ok ? (r.json() as Promise<{ config?: string[]; summary?: string[] }>) : null))
      .then((body) => {
        if (body)
          setFields({ config: configFieldTexts(body.config ?? []), summary: summaryFieldTexts(body.summary ?? []) });
      })
      .catch(() => {
        // Without the list the picker and builder still take fields typed into the filter text.
      });
    return () => controller.abort();
  }, [team, project]);
  return fields;
}

/** Streams run events and hands them over in batches, {@link LIVE_FLUSH_MS} apart. */
function useRunStream(onEvents: (events: RunStreamEvent[]) => void): void {
  useEffect(() => {
    let pending: RunStreamEvent[] = [];
    const source = new EventSource("/api/runs/stream");
    source.onmessage = (message: MessageEvent<string>) => {
      let data: unknown;
      try {
        data = JSON.parse(message.data);
      } catch {
        return;
      }
      const event = RunStreamEvent.safeParse(data);
      if (event.success && (event.data.type === "status" || event.data.type === "progress")) pending.push(event.data);
    };
    const timer = setInterval(() => {
      if (pending.length === 0) return;
      const events = pending;
      pending = [];
      onEvents(events);
    }, LIVE_FLUSH_MS);
    return () => {
      source.close();
      clearInterval(timer);
    };
  }, [onEvents]);
}

/** A checkbox that can show "some selected". */
function Checkbox({
  checked,
  indeterminate = false,
  onToggle,
  ...rest
}: {
  checked: boolean;
  indeterminate?: boolean;
  onToggle: (checked: boolean, shiftKey: boolean) => void;
  "aria-label": string;
  "data-testid": string;
}) {
  return (
    <input
      type="checkbox"
      checked={checked}
      ref={(el) => {
        if (el) el.indeterminate = indeterminate && !checked;
      }}
      onClick={(e) => e.stopPropagation()}
      onChange={(e) => onToggle(e.target.checked, (e.nativeEvent as MouseEvent).shiftKey === true)}
      {...rest}
    />
  );
}

/** Column widths (px); table-layout is fixed, so scrolling never reflows the columns. */
const WIDTHS: Record<string, number> = {
  select: 36,
  status: 110,
  name: 200,
  user: 110,
  tags: 150,
  model: 80,
  dataset: 100,
  created: 100,
  duration: 90,
  step: 80,
};
const EXTRA_WIDTH = 130;

interface CellHelpers {
  now: number | null;
  onSelect: (id: string, checked: boolean, shiftKey: boolean) => void;
}

let dateTimeFormat: Intl.DateTimeFormat | null = null;

/** A time in the viewer's locale and zone; one shared formatter, as `toLocaleString` per cell is slow to scroll. */
function localDateTime(iso: string): string {
  dateTimeFormat ??= new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });
  return dateTimeFormat.format(new Date(iso));
}

function builtinCell(id: string, row: RunRow, helpers: CellHelpers): ReactNode {
  switch (id) {
    case "status":
      return <span className={`badge ${row.status}`}>{row.status}</span>;
    case "name":
      return (
        <>
          <a href={`/t/${row.team}/p/${row.project}/runs/${row.id}`} title={row.name}>
            {row.name}
          </a>
          {row.external && (
            <span className="tag external-tag" title="Trained by its own script through the SDK">
              external
            </span>
          )}
        </>
      );
    case "user":
      return row.createdBy?.name ?? "–";
    case "tags":
      return row.tags.map((t) => (
        <span key={t} className="tag">
          {t}
        </span>
      ));
    case "model":
      return row.modelName;
    case "dataset":
      return row.datasetName;
    case "created":
      return (
        <span title={helpers.now === null ? row.createdAt : localDateTime(row.createdAt)}>
          {formatRelativeTime(row.createdAt, helpers.now)}
        </span>
      );
    case "duration": {
      const ms = runDurationMs(row, helpers.now);
      return ms === null ? "–" : formatDuration(ms);
    }
    case "step":
      return row.lastStep ?? "–";
    default:
      return null;
  }
}

function buildColumns(extras: readonly string[], helpers: CellHelpers): ColumnDef<RunRow>[] {
  return [
    {
      id: "select",
      size: WIDTHS.select,
      header: ({ table }) => (
        <Checkbox
          aria-label="Select the loaded runs"
          data-testid="select-all"
          checked={table.getIsAllRowsSelected()}
          indeterminate={table.getIsSomeRowsSelected()}
          onToggle={(checked) => table.toggleAllRowsSelected(checked)}
        />
      ),
      cell: ({ row }) => (
        <Checkbox
          aria-label={`Select ${row.original.name}`}
          data-testid="select-row"
          checked={row.getIsSelected()}
          onToggle={(checked, shiftKey) => helpers.onSelect(row.original.id, checked, shiftKey)}
        />
      ),
    },
    ...BUILTIN_COLUMNS.map((c): ColumnDef<RunRow> => ({
      id: c.id,
      size: WIDTHS[c.id] ?? EXTRA_WIDTH,
      header: c.label,
      enableSorting: c.sortField !== null,
      cell: ({ row }) => builtinCell(c.id, row.original, helpers),
    })),
    ...extras.map((field): ColumnDef<RunRow> => ({
      id: field,
      size: EXTRA_WIDTH,
      header: columnLabel(field),
      cell: ({ row }) => formatCellValue(row.original.values[field]),
    })),
  ];
}

/** A cell's class: numbers right-aligned (numeric columns, and config values that are numbers). */
function cellClass(column: string, row: RunRow | null): string | undefined {
  if (isNumericColumn(column)) return "num";
  if (row && typeof row.values[column] === "number") return "num";
  return undefined;
}

/** One row of what the table lists: a run (undefined while its page loads), a group header, or "more below". */
type DisplayItem = { kind: "run"; row: RunRow | undefined } | GroupedItem | { kind: "more" };

function downloadText(text: string, filename: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** A run's row; memoised, so scrolling renders only the rows that come into view. */
const RunRowView = memo(function RunRowView({
  run,
  cells,
  index,
  selected,
}: {
  run: RunRow;
  /** `row.getVisibleCells()`: a new list whenever the row, the columns or their visibility change. */
  cells: Cell<RunRow, unknown>[];
  index: number;
  selected: boolean;
}) {
  return (
    <tr data-testid="run-row" data-run-id={run.id} data-index={index} className={selected ? "selected" : undefined}>
      {cells.map((cell) => (
        <td key={cell.id} className={cellClass(cell.column.id, run)}>
          {flexRender(cell.column.columnDef.cell, cell.getContext())}
        </td>
      ))}
    </tr>
  );
});

/** A group's header row: the value and count across the leading columns, each summary column's mean below it. */
function GroupRowView({
  item,
  columnIds,
  groupField,
  partial,
  onToggle,
}: {
  item: Extract<GroupedItem, { kind: "group" }>;
  columnIds: readonly string[];
  groupField: string;
  /** Not every matching run is loaded yet, so the counts and means are of the loaded ones. */
  partial: boolean;
  onToggle: (key: string) => void;
}) {
  const { group, collapsed } = item;
  const firstMean = columnIds.findIndex((id) => id.startsWith("summary."));
  const labelEnd = firstMean > 1 ? firstMean : columnIds.length;
  return (
    <tr className="group-row" data-testid="group-row" data-group={group.key} onClick={() => onToggle(group.key)}>
      <td>
        <button
          type="button"
          className="group-toggle"
          aria-expanded={!collapsed}
          aria-label={collapsed ? "Expand group" : "Collapse group"}
        >
          {collapsed ? "▸" : "▾"}
        </button>
      </td>
      <td colSpan={labelEnd - 1}>
        <strong>
          {columnLabel(groupField)} = {formatCellValue(group.value)}
        </strong>{" "}
        <span className="muted">
          · {group.rows.length === 1 ? "1 run" : `${group.rows.length} runs`}
          {partial ? " loaded" : ""}
        </span>
      </td>
      {columnIds.slice(labelEnd).map((id) => {
        const mean = group.means[id];
        return (
          <td key={id} className="num group-mean" title={mean == null ? undefined : `mean ${columnLabel(id)}`}>
            {mean == null ? "" : `μ ${formatCompactNumber(mean)}`}
          </td>
        );
      })}
    </tr>
  );
}

/** The field a column sorts by (null: not sortable). */
function sortFieldOf(columnId: string): string | null {
  const builtin = BUILTIN_COLUMNS.find((c) => c.id === columnId);
  return builtin ? builtin.sortField : columnId === "select" ? null : columnId;
}

/**
 * The virtualised grid: a sticky header and only the rows in view (with spacer rows above and below), so its
 * own re-renders on scroll leave the toolbar alone.
 */
function RunsGrid({
  table,
  sort,
  onSort,
  count,
  itemAt,
  queryKey,
  onRange,
  groupField,
  partial,
  onToggleGroup,
  emptyText,
}: {
  table: Table<RunRow>;
  sort: readonly SortKey[];
  onSort: (field: string, additive: boolean) => void;
  /** Rows the grid lists (the virtual row count). */
  count: number;
  itemAt: (index: number) => DisplayItem;
  /** Changes when the query does: the grid scrolls back to the top. */
  queryKey: string;
  /** Told the first and last index rendered (what to load). */
  onRange: (first: number, last: number) => void;
  groupField: string | null;
  partial: boolean;
  onToggleGroup: (key: string) => void;
  /** Shown in place of rows when nothing matches. */
  emptyText: string | null;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: OVERSCAN,
    initialRect: INITIAL_RECT,
    // React 19 warns about flushSync inside its own updates; a frame's delay on scroll is invisible.
    useFlushSync: false,
  });
  const virtualItems = virtualizer.getVirtualItems();
  const first = virtualItems[0]?.index ?? 0;
  const last = virtualItems[virtualItems.length - 1]?.index ?? 0;
  useEffect(() => onRange(first, last), [first, last, onRange]);
  useEffect(() => {
    virtualizer.scrollToOffset(0);
  }, [queryKey, virtualizer]);

  const visibleColumns = table.getVisibleLeafColumns();
  const columnIds = visibleColumns.map((c) => c.id);
  const colSpan = visibleColumns.length;
  const paddingTop = virtualItems[0]?.start ?? 0;
  const paddingBottom = virtualizer.getTotalSize() - (virtualItems[virtualItems.length - 1]?.end ?? 0);
  const rowsById = table.getRowModel().rowsById;

  const renderItem = (item: DisplayItem, index: number, key: Key) => {
    if (item.kind === "group") {
      return (
        <GroupRowView
          key={key}
          item={item}
          columnIds={columnIds}
          groupField={groupField ?? ""}
          partial={partial}
          onToggle={onToggleGroup}
        />
      );
    }
    const tableRow = item.kind === "more" || !item.row ? undefined : rowsById[item.row.id];
    if (!tableRow) {
      return (
        <tr key={key} className="placeholder-row" data-index={index}>
          <td colSpan={colSpan}>
            <span className="placeholder-bar" />
          </td>
        </tr>
      );
    }
    return (
      <RunRowView
        key={key}
        run={tableRow.original}
        cells={tableRow.getVisibleCells()}
        index={index}
        selected={tableRow.getIsSelected()}
      />
    );
  };

  return (
    <div className="runs-scroll" ref={scrollRef}>
      <table
        className="grid runs-grid"
        data-testid="runs-table"
        style={{ width: table.getTotalSize(), minWidth: "100%" }}
      >
        <colgroup>
          {visibleColumns.map((c) => (
            <col key={c.id} style={{ width: c.getSize() }} />
          ))}
        </colgroup>
        <thead>
          {table.getHeaderGroups().map((headerGroup) => (
            <tr key={headerGroup.id}>
              {headerGroup.headers.map((header) => {
                const field = sortFieldOf(header.column.id);
                const sorted = header.column.getIsSorted();
                const classes = [cellClass(header.column.id, null), field ? "sortable" : ""].filter(Boolean);
                return (
                  <th
                    key={header.id}
                    data-testid={`col-${header.column.id}`}
                    className={classes.length > 0 ? classes.join(" ") : undefined}
                    title={field ? `${header.column.id}: click to sort, shift-click to add a sort key` : undefined}
                    aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : undefined}
                    onClick={field ? (e) => onSort(field, e.shiftKey) : undefined}
                  >
                    {flexRender(header.column.columnDef.header, header.getContext())}
                    {sorted && (
                      <span className="sort-mark">
                        {sorted === "asc" ? " ▲" : " ▼"}
                        {sort.length > 1 ? header.column.getSortIndex() + 1 : ""}
                      </span>
                    )}
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody>
          {paddingTop > 0 && (
            <tr aria-hidden className="spacer-row" style={{ height: paddingTop }}>
              <td colSpan={colSpan} />
            </tr>
          )}
          {virtualItems.map((v) => renderItem(itemAt(v.index), v.index, v.key))}
          {paddingBottom > 0 && (
            <tr aria-hidden className="spacer-row" style={{ height: paddingBottom }}>
              <td colSpan={colSpan} />
            </tr>
          )}
          {emptyText !== null && (
            <tr className="empty-row">
              <td colSpan={colSpan}>{emptyText}</td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

/**
 * The runs table: virtualised rows a page of 500 at a time (TanStack Virtual), its columns, sorting, selection
 * and visibility in TanStack Table, filter, sort, columns, group and selection in the URL (nuqs), live status and
 * progress over SSE, bulk actions, group by a config key and CSV export.
 */
export function RunsTable({
  team,
  project,
  initial,
  newRunHref,
}: {
  team: string;
  project: string;
  /** The server's first page for the URL's query (so the first paint has rows). */
  initial: InitialRunsPage | null;
  /** Where Launch goes, when the viewer may launch (the empty state links it). */
  newRunHref: string | null;
}) {
  const scope = useMemo(() => ({ team, project }), [team, project]);
  const [params, setParams] = useQueryStates(TABLE_PARAMS);
  const table = useMemo(
    () => parseTableParams({ filter: params.filter, sort: params.sort, columns: params.columns, group: params.group }),
    [params.filter, params.sort, params.columns, params.group],
  );
  const query = useMemo(() => runsQuery(table), [table]);
  const { state, want, reload, applyEvents } = useRunPages(scope, query, initial);
  const fields = useRunFields(team, project);
  useRunStream(applyEvents);

  const [selected, setSelectedState] = useState<string[]>(() => parseSelectedParam(params.selected));
  const setSelected = useCallback(
    (ids: string[]) => {
      setSelectedState(ids);
      void setParams({ selected: formatSelectedParam(ids) });
    },
    [setParams],
  );
  const [hidden, setHidden] = useState<Set<string>>(() => new Set());
  const [collapsed, setCollapsed] = useState<{ group: string | null; keys: Set<string> }>({
    group: null,
    keys: new Set(),
  });
  const [exporting, setExporting] = useState<{ done: number; error: string | null } | null>(null);
  const anchor = useRef<string | null>(null);
  const range = useRef({ first: 0, last: 0 });

  const anyRunning = useMemo(
    () => [...state.pages.values()].some((rows) => rows.some((r) => r.status === "RUNNING")),
    [state.pages],
  );
  const now = useNow(anyRunning);
  const total = state.total;

  // Grouped: the leading loaded rows, grouped; ungrouped: every matching run, loaded or not.
  const group = table.group;
  const summaryColumns = useMemo(() => table.columns.filter((c) => c.startsWith("summary.")), [table.columns]);
  const grouped = useMemo(() => {
    if (!group) return null;
    const rows = contiguousRows(state.pages);
    const keys = collapsed.group === group ? collapsed.keys : new Set<string>();
    const items: DisplayItem[] = groupedItems(groupRuns(rows, group, summaryColumns), keys);
    return { rows, items, more: total !== null && rows.length < total };
  }, [group, state.pages, collapsed, summaryColumns, total]);
  const count = grouped ? grouped.items.length + (grouped.more ? 1 : 0) : (total ?? 0);
  const itemAt = useCallback(
    (index: number): DisplayItem => {
      if (grouped) return grouped.items[index] ?? { kind: "more" };
      return { kind: "run", row: state.pages.get(Math.floor(index / RUNS_PAGE_SIZE))?.[index % RUNS_PAGE_SIZE] };
    },
    [grouped, state.pages],
  );
  const rowAt = useCallback(
    (index: number): RunRow | undefined => {
      const item = itemAt(index);
      return item.kind === "run" || item.kind === "row" ? item.row : undefined;
    },
    [itemAt],
  );

  // Load what is on screen: the pages under the rendered rows, or (grouped) the next page once "more" shows.
  const onRange = useCallback(
    (first: number, last: number) => {
      range.current = { first, last };
      if (total === null) want([0]);
      else if (!grouped) want(pagesCovering(first, last, RUNS_PAGE_SIZE));
      else if (grouped.more && last >= grouped.items.length) {
        want([Math.ceil(grouped.rows.length / RUNS_PAGE_SIZE)]);
      }
    },
    [grouped, total, want],
  );
  const visiblePages = useCallback(() => {
    if (grouped) return pagesCovering(0, Math.max(0, grouped.rows.length - 1), RUNS_PAGE_SIZE);
    return pagesCovering(range.current.first, range.current.last, RUNS_PAGE_SIZE);
  }, [grouped]);

  const onSelect = useCallback(
    (id: string, checked: boolean, shiftKey: boolean) => {
      const indexOf = (runId: string): number => {
        for (let i = 0; i < count; i++) if (rowAt(i)?.id === runId) return i;
        return -1;
      };
      const from = shiftKey && anchor.current ? indexOf(anchor.current) : -1;
      anchor.current = id;
      const ids = from >= 0 ? idsInRange(rowAt, from, indexOf(id)) : [id];
      const next = new Set(selected);
      for (const i of ids) {
        if (checked) next.add(i);
        else next.delete(i);
      }
      setSelected([...next]);
    },
    [selected, setSelected, rowAt, count],
  );

  const data = useMemo(() => [...state.pages.values()].flat(), [state.pages]);
  const columns = useMemo(() => buildColumns(table.columns, { now, onSelect }), [table.columns, now, onSelect]);
  const sorting = useMemo(() => table.sort.map((k) => ({ id: k.field, desc: k.desc })), [table.sort]);
  const rowSelection = useMemo<RowSelectionState>(
    () => Object.fromEntries(selected.map((id) => [id, true])),
    [selected],
  );
  const columnVisibility = useMemo<VisibilityState>(
    () => Object.fromEntries([...hidden].map((id) => [id, false])),
    [hidden],
  );
  const columnOrder = useMemo(() => ["select", ...BUILTIN_COLUMNS.map((c) => c.id), ...table.columns], [table.columns]);
  const onRowSelectionChange = useCallback(
    (updater: Updater<RowSelectionState>) => {
      const next = typeof updater === "function" ? updater(rowSelection) : updater;
      setSelected(Object.keys(next).filter((id) => next[id]));
    },
    [rowSelection, setSelected],
  );
  const tanstack = useReactTable({
    data,
    columns,
    getRowId: (row) => row.id,
    getCoreRowModel: getCoreRowModel(),
    manualSorting: true,
    enableRowSelection: true,
    state: { sorting, rowSelection, columnVisibility, columnOrder },
    onRowSelectionChange,
  });

  const onToggleGroup = useCallback(
    (key: string) =>
      setCollapsed((prev) => {
        const keys = new Set(prev.group === group ? prev.keys : []);
        if (keys.has(key)) keys.delete(key);
        else keys.add(key);
        return { group, keys };
      }),
    [group],
  );
  const onSort = useCallback(
    (field: string, additive: boolean) =>
      void setParams({ sort: formatSortParam(nextSort(table.sort, field, additive)) }),
    [setParams, table.sort],
  );

  const emptyProject = total === 0 && table.filter === "" && !state.problem && !state.error;
  // The empty state has nothing to keep: show a run as soon as one is launched.
  useEffect(() => {
    if (emptyProject && state.unseen > 0) reload([0]);
  }, [emptyProject, state.unseen, reload]);

  const exportCsv = async () => {
    const columnIds = tanstack
      .getVisibleLeafColumns()
      .map((c) => c.id)
      .filter((id) => id !== "select");
    setExporting({ done: 0, error: null });
    const rows: RunRow[] = [];
    for (let offset = 0; ; offset += EXPORT_PAGE_SIZE) {
      const answer = await fetchPage(scope, query, offset, EXPORT_PAGE_SIZE).catch((error: unknown): PageAnswer => ({
        ok: false,
        problem: null,
        error: String(error),
      }));
      if (!answer.ok) {
        setExporting({ done: rows.length, error: answer.problem?.message ?? answer.error ?? "export failed" });
        return;
      }
      rows.push(...answer.runs);
      setExporting({ done: rows.length, error: null });
      if (answer.runs.length === 0 || rows.length >= answer.total) break;
    }
    downloadText(runsCsv(rows, columnIds, Date.now()), `${project}-runs.csv`, "text/csv;charset=utf-8");
    setExporting(null);
  };

  if (emptyProject) {
    return (
      <div className="panel">
        No runs yet.{" "}
        {newRunHref ? (
          <>
            <a href={newRunHref}>Launch the first one</a>: an LSTM on the adding problem trains in a minute on a CPU.
          </>
        ) : (
          "Members of the team launch them."
        )}
      </div>
    );
  }

  const extraFields = [...fields.config, ...fields.summary];
  return (
    <div className="runs">
      <FilterBar
        applied={table.filter}
        serverProblem={state.problem}
        fields={extraFields}
        onApply={(text) => void setParams({ filter: text === "" ? null : text })}
      />
      <div className="runs-toolbar">
        <span className="runs-total" data-testid="runs-total">
          {total === null ? "…" : total === 1 ? "1 run" : `${total.toLocaleString("en-US")} runs`}
        </span>
        <ColumnPicker
          available={extraFields}
          columns={table.columns}
          onColumnsChange={(next) => void setParams({ columns: formatColumnsParam(next) })}
          hidden={hidden}
          onHiddenChange={setHidden}
        />
        <label className="runs-toolbar-label">
          Group by
          <select
            data-testid="group-by"
            value={group ?? ""}
            onChange={(e) => void setParams({ group: e.target.value === "" ? null : e.target.value })}
          >
            <option value="">none</option>
            {[...new Set([...(group ? [group] : []), ...fields.config])].map((f) => (
              <option key={f} value={f}>
                {columnLabel(f)}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="secondary small"
          data-testid="export-csv"
          disabled={exporting !== null && exporting.error === null}
          title="Download the shown columns of every matching run"
          onClick={() => void exportCsv()}
        >
          {exporting && exporting.error === null ? `CSV… ${exporting.done}` : "CSV"}
        </button>
        {exporting?.error && <span className="error-text">Export failed: {exporting.error}</span>}
        {state.unseen > 0 && (
          <button type="button" className="link-button" data-testid="new-runs" onClick={() => reload([0])}>
            New runs: refresh
          </button>
        )}
        {state.error && (
          <span className="error-text">
            {state.error}{" "}
            <button type="button" className="link-button" onClick={() => reload(visiblePages())}>
              Retry
            </button>
          </span>
        )}
      </div>
      {selected.length > 0 && (
        <BulkActions
          scope={scope}
          selectedIds={selected}
          onChanged={() => reload(visiblePages())}
          onClear={() => setSelected([])}
        />
      )}
      <RunsGrid
        table={tanstack}
        sort={table.sort}
        onSort={onSort}
        count={count}
        itemAt={itemAt}
        queryKey={state.key}
        onRange={onRange}
        groupField={group}
        partial={grouped?.more ?? false}
        onToggleGroup={onToggleGroup}
        emptyText={
          total !== 0 ? null : state.problem ? "The filter does not parse: fix it above." : "No runs match this filter."
        }
      />
    </div>
  );
}
