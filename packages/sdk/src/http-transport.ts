import { postToSeqlab, type HttpTarget } from "./http-request";
import type { PointBatch, Transport } from "./transport";

/** How {@link HttpTransport} reaches the platform. */
export interface HttpTransportOptions extends HttpTarget {
  /** A send that takes longer is abandoned (and retried): a hung server never holds a batch forever. Default 10 s. */
  timeoutMs?: number;
}

/** Long enough for a 1000-point batch on a slow link and a busy database; short enough that a retry comes soon. */
const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Batches to seqlab over HTTP: POST <baseUrl>/api/v1/runs/<runId>/points with `{ batchId, points }`. What may be
 * retried is told apart from what may not: no answer, a timeout, 429 and 5xx are retryable; any other 4xx (a bad
 * point, a revoked key, an unknown run) is the batch's own problem and is not.
 */
export class HttpTransport implements Transport {
  constructor(private readonly options: HttpTransportOptions) {}

  /** Resolves once the server answered 2xx; rejects with a TransportError otherwise. */
  async sendPoints(batch: PointBatch): Promise<void> {
    await postToSeqlab(this.options, {
      path: `/api/v1/runs/${encodeURIComponent(batch.runId)}/points`,
      body: { json: { batchId: batch.batchId, points: batch.points } },
      timeoutMs: this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    });
  }
}
