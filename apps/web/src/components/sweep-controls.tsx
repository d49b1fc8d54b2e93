"use client";

import { SweepDetail, SweepSummary, type SweepStatus } from "@seqlab/contracts";
import { useState } from "react";
import { api } from "./api-client";

/** A control action and the route it posts to. */
type SweepAction = "pause" | "resume" | "cancel";

/** Button labels and what each one does, for its tooltip. */
const ACTIONS: Record<SweepAction, { label: string; title: string }> = {
  pause: { label: "Pause", title: "Launch no new trials; trials already training finish their rung" },
  resume: { label: "Resume", title: "Launch and promote trials again" },
  cancel: { label: "Cancel", title: "Stop the sweep for good and cancel its queued and running trials" },
};

/** The actions a sweep in `status` offers: pause or resume, and cancel, while it is not over. */
function actionsFor(status: SweepStatus): SweepAction[] {
  if (status === "RUNNING") return ["pause", "cancel"];
  if (status === "PAUSED") return ["resume", "cancel"];
  return [];
}

/**
 * Pause / Resume / Cancel for a RUNNING or PAUSED sweep. Each posts to /api/sweeps/:id/<action> and hands the
 * answer's sweep (its detail, or at least its summary) to `onChanged`; a refusal (409: the sweep ended meanwhile) shows its message.
 */
export function SweepControls({
  sweepId,
  status,
  onChanged,
}: {
  sweepId: string;
  status: SweepStatus;
  onChanged: (sweep: SweepSummary | SweepDetail) => void;
}) {
  const [busy, setBusy] = useState<SweepAction | null>(null);
  const [error, setError] = useState<string | null>(null);
  const act = async (action: SweepAction) => {
    setBusy(action);
    try {
      const answer = await api<{ sweep?: unknown }>("POST", `/api/sweeps/${sweepId}/${action}`);
      // The answer may carry the whole detail or only the summary: the page takes what it gets.
      const detail = SweepDetail.safeParse(answer.body.sweep);
      const parsed = detail.success ? detail : SweepSummary.safeParse(answer.body.sweep);
      if (answer.ok && parsed.success) {
        setError(null);
        onChanged(parsed.data);
      } else {
        setError(answer.body.error ?? `${action} failed (HTTP ${answer.status})`);
      }
    } catch (e) {
      setError(`Could not reach the server: ${String(e)}`);
    }
    setBusy(null);
  };
  const actions = actionsFor(status);
  if (actions.length === 0 && error === null) return null;
  return (
    <>
      {actions.map((action) => (
        <button
          key={action}
          type="button"
          className="secondary"
          disabled={busy !== null}
          title={ACTIONS[action].title}
          onClick={() => void act(action)}
          data-testid={`sweep-${action}`}
        >
          {busy === action ? `${ACTIONS[action].label}...` : ACTIONS[action].label}
        </button>
      ))}
      {error && (
        <span className="error-text" role="alert" data-testid="sweep-action-error">
          {error}
        </span>
      )}
    </>
  );
}
