/**
 * What was thrown, as one line: an error's message, else the value as a string. Duck-typed rather than
 * `instanceof Error`, because errors from another realm (a vm context, Jest's sandbox) are not instances of ours.
 */
export function messageOf(error: unknown): string {
  if (typeof error === "object" && error !== null && typeof (error as { message?: unknown }).message === "string") {
    return (error as { message: string }).message;
  }
  return String(error);
}
