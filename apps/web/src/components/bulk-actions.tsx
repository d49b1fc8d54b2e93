"use client";

import { useState } from "react";
import { useRouter } from "next/navigation";
import { MAX_RUN_TAGS, RunTag } from "@seqlab/contracts";
import { api } from "./api-client";
import {
  MAX_COMPARE_RUNS,
  MAX_URL_SELECTED,
  compareHref,
  summarizeBulkResults,
  type BulkResult,
} from "../lib/runs-table-state";

/** Run ids per `POST /api/runs/bulk`: the most the API takes at once. */
const BULK_CHUNK = 1000;

/** The tags of a comma-separated text, or why they are not tags. */
function parseTags(text: string): { ok: true; tags: string[] } | { ok: false; error: string } {
  const parts = text
    .split(",")
    .map((t) => t.trim())
    .filter((t) => t !== "");
  if (parts.length === 0) return { ok: false, error: "type one or more tags, separated by commas" };
  if (parts.length > MAX_RUN_TAGS) return { ok: false, error: `at most ${MAX_RUN_TAGS} tags at once` };
  for (const part of parts) {
    const parsed = RunTag.safeParse(part);
    if (!parsed.success) return { ok: false, error: `"${part}": ${parsed.error.issues[0]?.message ?? "not a tag"}` };
  }
  return { ok: true, tags: [...new Set(parts)] };
}

type BulkBody = { action: "tag" | "untag"; tags: string[] } | { action: "cancel" };

/**
 * The bar over the runs table while runs are selected: tag, untag, cancel (after a confirm), compare, clear.
 * Each run is checked on its own by the server; the bar says how many changed and how many were refused.
 */
export function BulkActions({
  scope,
  selectedIds,
  onChanged,
  onClear,
}: {
  scope: { team: string; project: string };
  selectedIds: readonly string[];
  /** After an action: the table refetches what it shows. */
  onChanged: () => void;
  onClear: () => void;
}) {
  const router = useRouter();
  const [mode, setMode] = useState<"tag" | "untag" | null>(null);
  const [tagText, setTagText] = useState("");
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const count = selectedIds.length;

  const run = async (body: BulkBody) => {
    setBusy(true);
    setMessage(null);
    const results: BulkResult[] = [];
    try {
      for (let i = 0; i < selectedIds.length; i += BULK_CHUNK) {
        const answer = await api<{ results: BulkResult[] }>("POST", "/api/runs/bulk", {
          ...body,
          runIds: selectedIds.slice(i, i + BULK_CHUNK),
        });
        if (!answer.ok) {
          setMessage({ text: answer.body.error ?? `the server answered ${answer.status}`, error: true });
          return;
        }
        results.push(...answer.body.results);
      }
      setMessage({ text: summarizeBulkResults(results), error: results.some((r) => !r.ok) });
      setMode(null);
      setTagText("");
    } catch (error) {
      setMessage({ text: error instanceof Error ? error.message : String(error), error: true });
    } finally {
      setBusy(false);
      onChanged();
    }
  };

  const submitTags = () => {
    if (!mode) return;
    const parsed = parseTags(tagText);
    if (!parsed.ok) {
      setMessage({ text: parsed.error, error: true });
      return;
    }
    void run({ action: mode, tags: parsed.tags });
  };

  const tooMany = count > MAX_COMPARE_RUNS;
  return (
    <div className="bulk-bar" data-testid="bulk-bar" role="toolbar" aria-label="Selected runs">
      <strong>{count === 1 ? "1 run selected" : `${count} runs selected`}</strong>
      {count > MAX_URL_SELECTED && (
        <span className="muted" data-testid="selection-not-in-url">
          (more than {MAX_URL_SELECTED}: not kept in the address, so a reload or a shared link starts with none)
        </span>
      )}
      <button
        type="button"
        className="secondary small"
        data-testid="bulk-tag"
        aria-pressed={mode === "tag"}
        disabled={busy}
        onClick={() => setMode(mode === "tag" ? null : "tag")}
      >
        Tag…
      </button>
      <button
        type="button"
        className="secondary small"
        data-testid="bulk-untag"
        aria-pressed={mode === "untag"}
        disabled={busy}
        onClick={() => setMode(mode === "untag" ? null : "untag")}
      >
        Remove tag…
      </button>
      {mode && (
        <span className="bulk-tag-form">
          <input
            autoFocus
            className="tag-input"
            data-testid="bulk-tag-input"
            aria-label={mode === "tag" ? "Tags to add" : "Tags to remove"}
            placeholder={mode === "tag" ? "tags to add, a, b" : "tags to remove"}
            value={tagText}
            onChange={(e) => setTagText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter") submitTags();
              if (e.key === "Escape") setMode(null);
            }}
          />
          <button type="button" className="small" data-testid="bulk-tag-apply" disabled={busy} onClick={submitTags}>
            {mode === "tag" ? "Add" : "Remove"}
          </button>
        </span>
      )}
      <button
        type="button"
        className="secondary small"
        data-testid="bulk-cancel"
        disabled={busy}
        onClick={() => {
          if (window.confirm(`Cancel ${count === 1 ? "this run" : `these ${count} runs`}?`))
            void run({ action: "cancel" });
        }}
      >
        Cancel
      </button>
      <button
        type="button"
        className="secondary small"
        data-testid="bulk-compare"
        disabled={tooMany || count < 1}
        title={tooMany ? `Compare shows at most ${MAX_COMPARE_RUNS} runs` : "Overlay these runs' charts"}
        onClick={() => router.push(compareHref(scope, selectedIds))}
      >
        Compare
      </button>
      {tooMany && <span className="muted">compare takes at most {MAX_COMPARE_RUNS}</span>}
      <button type="button" className="secondary small" data-testid="bulk-clear" onClick={onClear}>
        Clear
      </button>
      {busy && <span className="muted">Working…</span>}
      {message && (
        <span className={message.error ? "bulk-message error" : "bulk-message"} data-testid="bulk-result">
          {message.text}
        </span>
      )}
    </div>
  );
}
