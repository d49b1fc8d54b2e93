import { SingleBar } from "cli-progress";
import type { CliIo, OutputStream } from "./cli-io";

/** One frame of progress. */
export interface ProgressFrame {
  value: number;
  total: number;
  /** The tokens of the bar's format (TTY). */
  payload: Record<string, string>;
  /** The whole state as one line (no terminal). */
  line: string;
}

/** Shows progress: a redrawn bar on a terminal, at most a line a second otherwise. */
export interface ProgressDisplay {
  /** Shows `frame`; `important` (a status change) prints a line at once even without a terminal. */
  update(frame: ProgressFrame, important?: boolean): void;
  /**
   * Stops: the bar keeps its last frame and the cursor moves below it. Without a terminal, `flush` prints the
   * last frame when the once-a-second limit held it back.
   */
  stop(options?: { flush?: boolean }): void;
}

/** Options of {@link createProgressDisplay}. */
export interface ProgressDisplayOptions {
  /** The bar's format (cli-progress tokens: `{bar}`, `{value}`, `{total}`, and the frame's payload). */
  format: string;
  /** Without a terminal, at most one line per this many ms; default {@link LINE_INTERVAL_MS}. */
  lineIntervalMs?: number;
  /** Draw no bar at all without a terminal (a download into a file says what it did when done). */
  ttyOnly?: boolean;
}

/** A log file gets a line a second at most: enough to see progress, few enough to read. */
export const LINE_INTERVAL_MS = 1_000;
/** Redraws per second: smooth to the eye, cheap over ssh. */
const BAR_FPS = 5;
/** Characters of the bar itself; the rest of the line carries step counts, rate and metrics. */
const BAR_SIZE = 24;

/** The output as the Node stream cli-progress writes to (its cursor moves are plain escape-sequence writes). */
function barStream(out: OutputStream): NodeJS.WritableStream {
  return {
    write: (text: string) => {
      out.write(text);
      return true;
    },
    get isTTY() {
      return out.isTTY;
    },
    get columns() {
      return out.columns;
    },
  } as unknown as NodeJS.WritableStream;
}

/**
 * A progress display on stdout: cli-progress's bar when stdout is a terminal; otherwise (a pipe, a CI log) plain
 * lines, at most one per `lineIntervalMs`, so no escape codes or redraws ever reach a file.
 */
export function createProgressDisplay(io: CliIo, options: ProgressDisplayOptions): ProgressDisplay {
  if (io.stdout.isTTY) {
    const bar = new SingleBar({
      stream: barStream(io.stdout),
      format: options.format,
      fps: BAR_FPS,
      barsize: BAR_SIZE,
      barCompleteChar: "\u2588",
      barIncompleteChar: "\u2591",
      hideCursor: true,
      clearOnComplete: false,
      // Cut at the terminal's width: a wrapped line could not be redrawn in place.
      linewrap: true,
      emptyOnZero: true,
    });
    let started = false;
    return {
      update(frame) {
        if (!started) {
          bar.start(frame.total, frame.value, frame.payload);
          started = true;
          return;
        }
        if (bar.getTotal() !== frame.total) bar.setTotal(frame.total);
        bar.update(frame.value, frame.payload);
      },
      stop() {
        if (started) bar.stop();
        started = false;
      },
    };
  }
  const interval = options.lineIntervalMs ?? LINE_INTERVAL_MS;
  let lastAt = -Infinity;
  let lastLine: string | null = null;
  let pending: string | null = null;
  let timer: NodeJS.Timeout | undefined;
  const print = (line: string) => {
    clearTimeout(timer);
    timer = undefined;
    io.stdout.write(`${line}\n`);
    lastAt = io.now();
    lastLine = line;
    pending = null;
  };
  return {
    update(frame, important = false) {
      if (options.ttyOnly || frame.line === lastLine) return;
      if (important || io.now() - lastAt >= interval) {
        print(frame.line);
        return;
      }
      pending = frame.line;
      // A held-back line is printed when its second is up, even if nothing else happens meanwhile.
      timer ??= setTimeout(
        () => {
          if (pending !== null) print(pending);
        },
        Math.min(interval, Math.max(0, lastAt + interval - io.now())),
      );
      timer.unref();
    },
    stop({ flush = false } = {}) {
      clearTimeout(timer);
      timer = undefined;
      if (flush && pending !== null) print(pending);
      pending = null;
    },
  };
}
