import { TransportError, type PointBatch, type Transport } from "./transport";

export interface HttpTransportOptions {
  /** The platform's URL, e.g. http://localhost:3000. */
  baseUrl: string;
  /** An API key (Settings → API keys), sent as a bearer token. */
  apiKey: string;
  /** A send that takes longer is abandoned (and retried): a hung server never holds a batch forever. */
  timeoutMs?: number;
  /** For tests: the fetch to use. */
  fetch?: typeof fetch;
}

/**
 * Batches to seqlab over HTTP: POST <baseUrl>/api/v1/runs/<runId>/points with `{ batchId, points }`. What may be
 * retried is told apart from what may not: no answer, a timeout, 429 and 5xx are retryable; any other 4xx (a bad
 * point, a revoked key, an unknown run) is the batch's own problem and is not.
 */
export class HttpTransport implements Transport {
  private readonly fetch: typeof fetch;
  constructor(private readonly options: HttpTransportOptions) {
    this.fetch = options.fetch ?? fetch;
  }

  async sendPoints(batch: PointBatch): Promise<void> {
    const url = new URL(`/api/v1/runs/${encodeURIComponent(batch.runId)}/points`, this.options.baseUrl);
    let response: Response;
    try {
      response = await this.fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${this.options.apiKey}` },
        body: JSON.stringify({ batchId: batch.batchId, points: batch.points }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      throw new TransportError(`${url.origin} did not answer (${cause ?? (error as Error).name})`, true);
    }
    if (response.ok) return;
    const text = await response.text().catch(() => "");
    let message = text.slice(0, 300);
    try {
      message = (JSON.parse(text) as { error?: string }).error ?? message;
    } catch {
      // Not JSON (a proxy's error page): its first characters say enough.
    }
    throw new TransportError(`${response.status} ${message}`.trim(), response.status === 429 || response.status >= 500);
  }
}
