/** What the error codes of a failed connection mean, in words. */
const REASONS: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  EPIPE: "connection reset",
  UND_ERR_SOCKET: "connection closed by the server",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host name lookup failed",
  ETIMEDOUT: "connection timed out",
  UND_ERR_CONNECT_TIMEOUT: "connection timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
};

/** The error codes on an error, its causes and (for a host with several addresses) its aggregated errors. */
function errorCodes(error: unknown, depth = 0): string[] {
  // Causes nest a few levels (fetch's TypeError, undici's error, the socket's); deeper is not a real chain.
  if (depth > 5 || typeof error !== "object" || error === null) return [];
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  const own = typeof code === "string" ? [code] : [];
  const nested = Array.isArray(errors) ? errors.flatMap((e) => errorCodes(e, depth + 1)) : [];
  return [...own, ...errorCodes(cause, depth + 1), ...nested];
}

/** Why fetch could not reach the server, in words ("connection refused"), from the error it threw. */
export function describeNetworkFailure(error: unknown): { reason: string; refused: boolean } {
  const codes = errorCodes(error);
  const known = codes.find((code) => REASONS[code] !== undefined);
  if (known) return { reason: REASONS[known]!, refused: known === "ECONNREFUSED" };
  const cause = (error as { cause?: { message?: unknown } } | null)?.cause;
  const message = typeof cause?.message === "string" ? cause.message : error instanceof Error ? error.message : "";
  return { reason: message.split("\n")[0] || "no answer", refused: false };
}
