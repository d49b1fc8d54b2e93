import { createHash, randomBytes } from "node:crypto";
import { open, rename, rm } from "node:fs/promises";
import path from "node:path";
import type { ApiClient, Query } from "./api-client";
import { CliError, EXIT_INTERRUPTED } from "./cli-error";
import type { CliIo } from "./cli-io";
import { formatBytes, shortSha } from "./output/format";
import { createProgressDisplay } from "./progress-display";

/** What to download and how to check it. */
export interface DownloadOptions {
  io: CliIo;
  client: ApiClient;
  /** The route, e.g. `/api/v1/artifacts/<id>`. */
  route: string;
  query?: Query;
  /** Where the file ends up (absolute); nothing is there unless every check passed. */
  target: string;
  /**
   * The sha256s (hex) the bytes must have, each with who says so (`{ "run.artifacts": "ab12..." }`); the
   * `x-content-sha256` header is required and checked too when `verify` is set.
   */
  expected?: Record<string, string>;
  /** Check the bytes against the `x-content-sha256` header (and `expected`). */
  verify: boolean;
}

/** A server that sends nothing for a minute mid-download has stalled; a slow link still sends something. */
const STALL_TIMEOUT_MS = 60_000;

/**
 * Downloads to a temporary file beside `target` (same directory, so the final rename is atomic) while hashing the
 * bytes as they arrive (never holding the file whole), with a byte progress bar on a terminal. Moves it into
 * place only when its sha256 matches the `x-content-sha256` header and every `expected` hash; otherwise, and on
 * any failure or Ctrl-C, the temporary file is removed and nothing is left. Resolves with the size and hash.
 */
export async function downloadVerified(options: DownloadOptions): Promise<{ bytes: number; sha256: string }> {
  const { io, client, target } = options;
  const abort = new AbortController();
  let interrupted = false;
  const release = io.onInterrupt(() => {
    interrupted = true;
    abort.abort();
  });
  let stall: NodeJS.Timeout | undefined;
  let stalled = false;
  const armStall = () => {
    clearTimeout(stall);
    stall = setTimeout(() => {
      stalled = true;
      abort.abort();
    }, STALL_TIMEOUT_MS);
  };
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString("hex")}.part`);
  const display = createProgressDisplay(io, { format: "{bar} {done} of {size} | {speed}", ttyOnly: true });
  let file: Awaited<ReturnType<typeof open>> | undefined;
  try {
    const response = await client.open(options.route, { query: options.query, signal: abort.signal });
    const header = response.headers.get("x-content-sha256")?.trim().toLowerCase() ?? null;
    if (options.verify && !header) {
      throw new CliError(
        "the server sent no x-content-sha256 header, so the download cannot be verified; nothing was saved",
      );
    }
    const length = Number(response.headers.get("content-length") ?? NaN);
    const size = Number.isFinite(length) ? length : null;
    try {
      // `wx`: never write through a file (or a link) someone else put at the temporary name.
      file = await open(temporary, "wx", 0o644);
    } catch (error) {
      throw new CliError(`cannot write beside ${target}: ${(error as Error).message}`);
    }
    const hash = createHash("sha256");
    let bytes = 0;
    const started = io.now();
    armStall();
    if (response.body) {
      const reader = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        armStall();
        hash.update(value);
        await file.write(value);
        bytes += value.byteLength;
        const seconds = Math.max(0.001, (io.now() - started) / 1000);
        display.update({
          value: bytes,
          total: size ?? bytes,
          payload: {
            done: formatBytes(bytes),
            size: size === null ? "?" : formatBytes(size),
            speed: `${formatBytes(bytes / seconds)}/s`,
          },
          line: "",
        });
      }
    }
    clearTimeout(stall);
    display.stop();
    await file.close();
    file = undefined;
    const sha256 = hash.digest("hex");
    if (options.verify) {
      const claims: Record<string, string> = { "the x-content-sha256 header": header!, ...options.expected };
      for (const [who, expected] of Object.entries(claims)) {
        if (expected.toLowerCase() !== sha256) {
          throw new CliError(
            `checksum mismatch: the downloaded bytes hash to ${shortSha(sha256)}…, ${who} says ${shortSha(expected)}…; nothing was saved`,
          );
        }
      }
    }
    try {
      await rename(temporary, target);
    } catch (error) {
      throw new CliError(`cannot move the download to ${target}: ${(error as Error).message}`);
    }
    return { bytes, sha256 };
  } catch (error) {
    display.stop();
    if (interrupted) throw new CliError("download interrupted; nothing was saved", EXIT_INTERRUPTED);
    if (stalled)
      throw new CliError(`the download stalled (nothing for ${STALL_TIMEOUT_MS / 1000} s); nothing was saved`);
    if (error instanceof CliError) throw error;
    throw new CliError(
      `the download failed: ${error instanceof Error ? error.message : String(error)}; nothing was saved`,
    );
  } finally {
    clearTimeout(stall);
    release();
    await file?.close().catch(() => undefined);
    await rm(temporary, { force: true });
  }
}
