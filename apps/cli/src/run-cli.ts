import { CommanderError } from "commander";
import { CliError, EXIT_FAILURE, EXIT_USAGE } from "./cli-error";
import type { CliIo } from "./cli-io";
import { buildProgram } from "./program";

/** Text as one line: commander's suggestion ("(Did you mean ...?)") and multi-line messages joined. */
function oneLine(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .join(" ");
}

/** The exit code for `error`, after writing it to stderr as one `seqlab: <message>` line (never a stack). */
export function reportError(io: CliIo, error: unknown, command: string | null = null): number {
  if (error instanceof CommanderError) {
    // --help, `help` and --version print and succeed; a missing command printed the help to stderr: a usage error.
    if (error.code === "commander.helpDisplayed" || error.code === "commander.version") return 0;
    if (error.code === "commander.help") return error.exitCode === 0 ? 0 : EXIT_USAGE;
    const message = oneLine(error.message.replace(/^error: /, "")).replace("(Did you mean", "(did you mean");
    io.stderr.write(`seqlab: ${message} (see \`${command ?? "seqlab"} --help\`)\n`);
    return EXIT_USAGE;
  }
  if (error instanceof CliError) {
    io.stderr.write(`seqlab: ${oneLine(error.message)}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr.write(`seqlab: ${oneLine(message) || "unexpected error"}\n`);
  return EXIT_FAILURE;
}

/** Runs the command line `argv` (without node and the script) on `io`; resolves with the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const { program, exitCode, refusedCommand } = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode();
  } catch (error) {
    return reportError(io, error, refusedCommand());
  }
}
