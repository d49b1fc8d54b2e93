import { HttpTransport } from "./http-transport";
import { defaultSpoolDir } from "./settings";
import { Spool, type DrainReport } from "./spool";

/** What `seqlab sync` (and the drain at `init`) passes to {@link syncSpool}. */
export interface SyncSpoolOptions {
  /** The platform's URL. */
  url: string;
  apiKey: string;
  /** The spool to drain; default {@link defaultSpoolDir}. */
  spoolDir?: string;
  /** Told after each batch (sent or refused), with the counts so far and `total`, for a progress bar. */
  onProgress?: (progress: DrainReport) => void;
  /** Stops the drain: the batch in flight is abandoned and kept with the rest for the next drain. */
  signal?: AbortSignal;
  /** Per batch; default 10 s (HttpTransport's). */
  timeoutMs?: number;
  /** For tests: the fetch to use; default the global fetch. */
  fetch?: typeof fetch;
}

/** The result of {@link syncSpool}: batches and points sent, left on disk and refused, and why any were left. */
export type SyncReport = DrainReport;

/**
 * Sends the points spooled by runs that could not reach the server (`seqlab sync`; each `init` does it too, in the
 * background). Batches keep their ids, so a batch already stored is not stored twice. Stops at the first failure
 * that concerns the whole server (unreachable, a refused key) and keeps everything not sent for the next sync.
 * Never rejects on a failed send; rejects only if the spool directory itself cannot be read or written.
 */
export async function syncSpool(options: SyncSpoolOptions): Promise<SyncReport> {
  const transport = new HttpTransport({
    baseUrl: options.url,
    apiKey: options.apiKey,
    signal: options.signal,
    timeoutMs: options.timeoutMs,
    fetch: options.fetch,
  });
  const spool = new Spool(options.spoolDir ?? defaultSpoolDir());
  return spool.drain((batch) => {
    if (options.signal?.aborted) return Promise.reject(new Error("sync stopped"));
    return transport.sendPoints(batch);
  }, options.onProgress);
}
