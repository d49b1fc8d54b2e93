import { TERMINAL_RUN_STATUSES } from "@seqlab/contracts";

/**
 * Statuses at which following a run ends: the contract's terminal ones, and CRASHED, an external run that went
 * silent (it trains again only if its script comes back, which a follower should not wait for).
 */
const TERMINAL = new Set<string>([...TERMINAL_RUN_STATUSES, "CRASHED"]);

/** Whether a run with this status has stopped training. */
export function isTerminalStatus(status: string): boolean {
  return TERMINAL.has(status);
}
