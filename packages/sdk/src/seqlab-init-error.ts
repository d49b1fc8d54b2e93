/**
 * Why `init` could not start a run: no URL or key, the server unreachable, the key refused (401), the project
 * unknown (404), a bad option. Thrown before training starts, like `wandb.init`, so a script fails at once with one
 * message saying what to do rather than training for an hour unrecorded. After `init`, nothing the SDK does throws.
 */
export class SeqlabInitError extends Error {
  override readonly name = "SeqlabInitError";
  constructor(
    message: string,
    /** The server's HTTP status when it answered (401, 404, ...); undefined when it did not. */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
