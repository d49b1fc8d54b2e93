/** Exit code of a command that ran and failed (a server's refusal, a bad checksum, a failed run). */
export const EXIT_FAILURE = 1;
/** Exit code of a usage error: a bad flag, an unknown command, a missing argument (as for most Unix tools). */
export const EXIT_USAGE = 2;
/** Exit code after Ctrl-C: 128 + SIGINT's number, what a shell reports for a process that SIGINT ended. */
export const EXIT_INTERRUPTED = 130;

/**
 * An error the CLI reports as one line on stderr (`seqlab: <message>`), never with a stack trace, and exits with
 * `exitCode` (default {@link EXIT_FAILURE}).
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_FAILURE,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "CliError";
  }
}

/** A usage error (exit code {@link EXIT_USAGE}): what the user typed is not a valid command line. */
export function usageError(message: string): CliError {
  return new CliError(message, EXIT_USAGE);
}
