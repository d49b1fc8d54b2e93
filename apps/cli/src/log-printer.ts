import type { RunEventDto } from "@seqlab/contracts";
import type { CliIo } from "./cli-io";
import type { Colors } from "./output/colors";
import { formatTimestamp } from "./output/format";

/**
 * A stored event and its live copy carry different clocks (the database's `createdAt`, the worker's `at`): two
 * lines with the same level and message this close are one event seen twice.
 */
const SAME_EVENT_WITHIN_MS = 5_000;
/** Lines remembered for that comparison: far more than arrive within the window. */
const REMEMBERED = 1_000;

/**
 * Prints a run's log lines (`time level message`) exactly once each, whether a line comes from the stored log
 * (GET /api/v1/runs/:id, re-read after every reconnect so nothing said meanwhile is lost) or live from the stream.
 */
export class LogPrinter {
  private readonly storedIds = new Set<string>();
  private recent: { level: string; message: string; at: number }[] = [];

  constructor(
    private readonly io: CliIo,
    private readonly colors: Colors,
  ) {}

  /** Prints the stored events not printed yet, oldest first. */
  printStored(events: readonly RunEventDto[]): void {
    for (const event of events) {
      if (this.storedIds.has(event.id)) continue;
      this.storedIds.add(event.id);
      this.print(event.level, event.message, Date.parse(event.createdAt));
    }
  }

  /** Prints a live log line unless its stored copy was printed already. */
  printLive(level: string, message: string, at: number): void {
    this.print(level, message, at);
  }

  /** A line of its own, such as a status change, stamped `at`. */
  printNote(text: string, at: number): void {
    this.io.stdout.write(`${this.colors.dim(formatTimestamp(at))} ${text}\n`);
  }

  private print(level: string, message: string, at: number): void {
    const seen = this.recent.some(
      (r) => r.level === level && r.message === message && Math.abs(r.at - at) <= SAME_EVENT_WITHIN_MS,
    );
    if (seen) return;
    this.recent.push({ level, message, at });
    if (this.recent.length > REMEMBERED) this.recent = this.recent.slice(-REMEMBERED);
    const style = level === "error" ? this.colors.red : level === "warn" ? this.colors.yellow : (t: string) => t;
    this.io.stdout.write(`${this.colors.dim(formatTimestamp(at))} ${style(level.padEnd(5))} ${message}\n`);
  }
}
