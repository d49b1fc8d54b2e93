import os from "node:os";
import type { CliIo, OutputStream, RepoScript } from "../src/cli-io";
import { parseCliEnv } from "../src/env";
import { runCli } from "../src/run-cli";

/** How a test's terminal looks. */
export interface TestIoOptions {
  /** stdout (and stderr) is a terminal; default false (a pipe). */
  tty?: boolean;
  /** The terminal's width; default 100. */
  columns?: number;
  /** Environment variables (nothing from the real environment leaks in). */
  env?: Record<string, string | undefined>;
  cwd?: string;
  stdinIsTTY?: boolean;
  /** Answers to prompts, in order. */
  answers?: string[];
  stdin?: string;
  /** The clock; default Date.now. */
  now?: () => number;
}

/** A captured stream. */
class Capture implements OutputStream {
  text = "";
  constructor(
    readonly isTTY: boolean,
    private readonly width: number,
  ) {}
  get columns(): number | undefined {
    return this.isTTY ? this.width : undefined;
  }
  write(text: string): void {
    this.text += text;
  }
}

/** A {@link CliIo} whose output is captured, with a Ctrl-C the test presses and a record of scripts run. */
export function createTestIo(options: TestIoOptions = {}) {
  const stdout = new Capture(options.tty ?? false, options.columns ?? 100);
  const stderr = new Capture(options.tty ?? false, options.columns ?? 100);
  const interruptHandlers = new Set<() => void>();
  const prompts: { question: string; secret: boolean }[] = [];
  const scripts: { script: RepoScript; args: readonly string[] }[] = [];
  const answers = [...(options.answers ?? [])];
  // HOME points nowhere real, so no test ever reads the developer's own credentials.
  const env = parseCliEnv({ HOME: os.tmpdir(), SEQLAB_CONFIG_DIR: "/nonexistent/seqlab-test", ...options.env });
  const io: CliIo = {
    stdout,
    stderr,
    env,
    cwd: options.cwd ?? process.cwd(),
    stdinIsTTY: options.stdinIsTTY ?? false,
    prompt: async (question, { secret }) => {
      prompts.push({ question, secret });
      return answers.shift() ?? "";
    },
    readStdin: async () => options.stdin ?? "",
    onInterrupt: (handler) => {
      interruptHandlers.add(handler);
      return () => void interruptHandlers.delete(handler);
    },
    now: options.now ?? (() => Date.now()),
    // Backoffs shrink to a few milliseconds: the tests check what happens, not how long it waits.
    sleep: (ms, signal) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(ms, 20));
        signal?.addEventListener("abort", () => {
          clearTimeout(timer);
          resolve();
        });
      }),
    fetch: (input, init) => fetch(input, init),
    runScript: async (script, args) => {
      scripts.push({ script, args });
      return 0;
    },
  };
  return {
    io,
    stdout: () => stdout.text,
    stderr: () => stderr.text,
    prompts,
    scripts,
    /** Presses Ctrl-C. */
    interrupt: () => interruptHandlers.forEach((handler) => handler()),
    interruptHandlers,
    run: (argv: string[]) => runCli(argv, io),
  };
}
