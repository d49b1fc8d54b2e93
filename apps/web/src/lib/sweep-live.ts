import type { RunStatus, SweepStatus } from "@seqlab/contracts";

/** How often the sweep page re-reads a live sweep: a rung result or a promotion shows within two seconds. */
export const SWEEP_POLL_MS = 2_000;

/** Trial statuses that still change without anyone acting: the page keeps polling while any trial has one. */
const MOVING: ReadonlySet<RunStatus> = new Set(["QUEUED", "RUNNING"]);

/**
 * Whether the sweep page should keep re-reading the sweep: while it is RUNNING (the controller may launch or
 * promote trials), or while any trial is still queued or training (a paused or cancelled sweep lets its running
 * trials finish their rung).
 */
export function isSweepLive(sweep: { status: SweepStatus; trials: readonly { status: RunStatus }[] }): boolean {
  return sweep.status === "RUNNING" || sweep.trials.some((t) => MOVING.has(t.status));
}
