/**
 * Retries an operation that fails while a service is unreachable (a database restart, a network blip), with
 * capped exponential backoff, until `deadlineMs` has passed. Used for the writes that end a run: they must land.
 */
export async function retryUntil<T>(
  operation: () => Promise<T>,
  options: { deadlineMs: number; onRetry?: (error: unknown, attempt: number) => void },
): Promise<T> {
  const deadline = Date.now() + options.deadlineMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      options.onRetry?.(error, attempt);
      // 100 ms doubling to 2 s: fast when the blip is short, gentle when it is not.
      await new Promise((r) => setTimeout(r, Math.min(2_000, 100 * 2 ** Math.min(attempt, 5))));
    }
  }
}
