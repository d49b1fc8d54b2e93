import type { MetricPoint } from "@seqlab/contracts";

/** Points of one run sent together. `batchId` is fixed when the batch is cut: a retry sends the same id. */
export interface PointBatch {
  batchId: string;
  runId: string;
  points: MetricPoint[];
}

/** How batches reach the server (HTTP in production, a fake in tests). */
export interface Transport {
  /** Resolves once the server has stored the batch; rejects with a {@link TransportError} otherwise. */
  sendPoints(batch: PointBatch): Promise<void>;
}

/**
 * Why a send failed. `retryable`: the server may take it later (unreachable, 5xx, 429); otherwise the batch itself
 * was refused (a 400, a revoked key) and sending it again cannot help.
 */
export class TransportError extends Error {
  override readonly name = "TransportError";
  constructor(
    message: string,
    readonly retryable: boolean,
    /** The HTTP status when the server answered; undefined when it did not (unreachable, timed out). */
    readonly status?: number,
  ) {
    super(message);
  }
}
