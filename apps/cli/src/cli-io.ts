import type { CliEnv } from "./env";

/** Where a command writes: the process's stdout or stderr, or a buffer in tests. */
export interface OutputStream {
  write(text: string): void;
  /** Whether it is a terminal: colours, tables sized to its width, and redrawn progress bars only then. */
  readonly isTTY: boolean;
  /** Its width in characters when it is a terminal. */
  readonly columns: number | undefined;
}

/** The scripts of the checkout that `seqlab start` and `seqlab test` run. */
export type RepoScript = "start" | "test";

/**
 * Everything a command touches outside itself, so that tests run commands in-process: captured output, a fake
 * terminal, a fake prompt, a fake clock, the environment as an object.
 */
export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  /** The parsed environment (also handed to the SDK's credentials and spool functions). */
  env: CliEnv;
  /** The directory relative paths (`-o file`) are resolved against. */
  cwd: string;
  /** Whether stdin is a terminal: `login` prompts only then. */
  stdinIsTTY: boolean;
  /** Asks a question on the terminal; `secret` input is not echoed. Rejects with a CliError on Ctrl-C. */
  prompt(question: string, options: { secret: boolean }): Promise<string>;
  /** All of stdin as text (`login --key -`). */
  readStdin(): Promise<string>;
  /** Calls `handler` on Ctrl-C (SIGINT) instead of the default exit; returns the function that stops that. */
  onInterrupt(handler: () => void): () => void;
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`, or at once when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** The fetch every request goes through. */
  fetch: typeof fetch;
  /** Runs scripts/start.ts or scripts/test.ts with `args` unchanged; resolves with its exit code. */
  runScript(script: RepoScript, args: readonly string[]): Promise<number>;
}
