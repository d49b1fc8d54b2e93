"use client";

import { useState } from "react";
import type { RunDetail } from "@seqlab/contracts";

/** A run's tags and notes: editable by whoever may modify the run, read-only for everyone else. */
export function RunNotes({
  run,
  mayEdit,
  onSaved,
}: {
  run: RunDetail;
  mayEdit: boolean;
  onSaved: (run: RunDetail) => void;
}) {
  const [tags, setTags] = useState(run.tags);
  const [notes, setNotes] = useState(run.notes);
  const [draftTag, setDraftTag] = useState("");
  const [state, setState] = useState<"idle" | "saving" | "saved">("idle");
  const [error, setError] = useState<string | null>(null);
  const dirty = notes !== run.notes;

  const save = async (next: { tags?: string[]; notes?: string }) => {
    setState("saving");
    setError(null);
    const response = await fetch(`/api/runs/${run.id}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(next),
    });
    const body = (await response.json()) as {
      run?: RunDetail;
      error?: string;
      issues?: { path: string; message: string }[];
    };
    if (!response.ok || !body.run) {
      setState("idle");
      setError(body.issues?.map((i) => `${i.path}: ${i.message}`).join("; ") ?? body.error ?? "could not save");
      return;
    }
    setTags(body.run.tags);
    setNotes(body.run.notes);
    onSaved(body.run);
    setState("saved");
  };

  const addTag = () => {
    const tag = draftTag.trim();
    if (!tag || tags.includes(tag)) return setDraftTag("");
    setDraftTag("");
    void save({ tags: [...tags, tag] });
  };

  if (!mayEdit && tags.length === 0 && !notes) return null;
  return (
    <div className="panel run-notes" data-testid="run-notes">
      <div className="row" style={{ alignItems: "center", gap: 6, flexWrap: "wrap" }}>
        <strong>Tags</strong>
        {tags.length === 0 && <span className="muted">none</span>}
        {tags.map((tag) => (
          <span key={tag} className="tag" data-testid="run-tag">
            {tag}
            {mayEdit && (
              <button
                className="tag-remove"
                aria-label={`remove tag ${tag}`}
                onClick={() => void save({ tags: tags.filter((t) => t !== tag) })}
              >
                ×
              </button>
            )}
          </span>
        ))}
        {mayEdit && (
          <input
            className="tag-input"
            placeholder="add a tag"
            value={draftTag}
            maxLength={40}
            data-testid="tag-input"
            onChange={(e) => setDraftTag(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter") addTag();
            }}
          />
        )}
      </div>
      <div style={{ marginTop: 8 }}>
        <strong>Notes</strong>
        {mayEdit ? (
          <>
            <textarea
              className="notes"
              rows={3}
              maxLength={20_000}
              value={notes}
              placeholder="What this run tries, what you learned from it"
              data-testid="notes-input"
              onChange={(e) => {
                setNotes(e.target.value);
                setState("idle");
              }}
            />
            <div className="row" style={{ gap: 8, alignItems: "center" }}>
              <button
                disabled={!dirty || state === "saving"}
                onClick={() => void save({ notes })}
                data-testid="notes-save"
              >
                Save notes
              </button>
              {state === "saved" && !dirty && <span className="muted">saved</span>}
            </div>
          </>
        ) : (
          <p className="notes-text">{notes}</p>
        )}
      </div>
      {error && (
        <div className="error-box" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}
