"use client";

import { useEffect, useRef, useState } from "react";
import { BUILTIN_COLUMNS, columnLabel } from "../lib/runs-table-state";

/** Matches listed at once; a narrower search finds the rest (a project can have thousands of config keys). */
const MAX_LISTED = 200;

/**
 * The runs table's column picker: which built-in columns show, and which config.* and summary.* columns are added
 * (searchable checkboxes over the fields the project's runs have), in what order.
 */
export function ColumnPicker({
  available,
  columns,
  onColumnsChange,
  hidden,
  onHiddenChange,
}: {
  /** Every config.* and summary.* field the picker offers (from `/api/runs/fields`). */
  available: readonly string[];
  /** The extra columns shown, in order. */
  columns: readonly string[];
  onColumnsChange: (columns: string[]) => void;
  /** Built-in columns hidden. */
  hidden: ReadonlySet<string>;
  onHiddenChange: (hidden: Set<string>) => void;
}) {
  const [open, setOpen] = useState(false);
  const [search, setSearch] = useState("");
  const rootRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent) => {
      if (rootRef.current && !rootRef.current.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("mousedown", close);
    return () => document.removeEventListener("mousedown", close);
  }, [open]);

  const needle = search.trim().toLowerCase();
  const offered = [...new Set([...columns, ...available])];
  const matches = offered.filter((f) => f.toLowerCase().includes(needle));
  const toggle = (field: string, on: boolean) =>
    onColumnsChange(on ? [...columns.filter((c) => c !== field), field] : columns.filter((c) => c !== field));
  const move = (index: number, by: number) => {
    const next = [...columns];
    const [moved] = next.splice(index, 1);
    if (moved === undefined) return;
    next.splice(Math.max(0, Math.min(next.length, index + by)), 0, moved);
    onColumnsChange(next);
  };

  return (
    <div className="column-picker" data-testid="column-picker" ref={rootRef}>
      <button
        type="button"
        className="secondary small"
        aria-expanded={open}
        data-testid="column-picker-toggle"
        onClick={() => setOpen(!open)}
      >
        Columns ({columns.length})
      </button>
      {open && (
        <div className="column-picker-panel" onKeyDown={(e) => e.key === "Escape" && setOpen(false)}>
          <input
            autoFocus
            type="search"
            placeholder="Search config and summary fields"
            aria-label="Search fields"
            data-testid="column-search"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
          {columns.length > 0 && (
            <section>
              <h4>Shown</h4>
              {columns.map((field, i) => (
                <div className="column-picker-shown" key={field}>
                  <span title={field}>{columnLabel(field)}</span>
                  <button
                    type="button"
                    className="secondary tiny"
                    aria-label={`Move ${field} left`}
                    disabled={i === 0}
                    onClick={() => move(i, -1)}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    className="secondary tiny"
                    aria-label={`Move ${field} right`}
                    disabled={i === columns.length - 1}
                    onClick={() => move(i, 1)}
                  >
                    ↓
                  </button>
                  <button
                    type="button"
                    className="secondary tiny"
                    aria-label={`Remove ${field}`}
                    onClick={() => toggle(field, false)}
                  >
                    ×
                  </button>
                </div>
              ))}
            </section>
          )}
          <section>
            <h4>Fields</h4>
            {matches.length === 0 && <p className="muted">No field matches.</p>}
            {matches.slice(0, MAX_LISTED).map((field) => (
              <label key={field} className="column-picker-option">
                <input
                  type="checkbox"
                  data-testid="column-option"
                  data-field={field}
                  checked={columns.includes(field)}
                  onChange={(e) => toggle(field, e.target.checked)}
                />
                <span>{field}</span>
              </label>
            ))}
            {matches.length > MAX_LISTED && (
              <p className="muted">{matches.length - MAX_LISTED} more: narrow the search.</p>
            )}
          </section>
          <section>
            <h4>Built-in</h4>
            {BUILTIN_COLUMNS.map((c) => (
              <label key={c.id} className="column-picker-option">
                <input
                  type="checkbox"
                  checked={!hidden.has(c.id)}
                  onChange={(e) => {
                    const next = new Set(hidden);
                    if (e.target.checked) next.delete(c.id);
                    else next.add(c.id);
                    onHiddenChange(next);
                  }}
                />
                <span>{c.label}</span>
              </label>
            ))}
          </section>
        </div>
      )}
    </div>
  );
}
