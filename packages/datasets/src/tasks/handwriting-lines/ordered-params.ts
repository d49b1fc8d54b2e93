import type { z } from "zod";

/**
 * Inside a zod `superRefine`: reports an issue on `low` unless params[low] <= params[high], with a message that
 * names both fields and their values ("minDigits (4) must be at most maxDigits (2)"). For range pairs such as
 * min/max, whose bounds zod cannot express field by field.
 */
export function requireAtMost<P extends Record<string, unknown>>(
  ctx: z.RefinementCtx,
  params: P,
  low: keyof P & string,
  high: keyof P & string,
): void {
  const a = params[low] as number;
  const b = params[high] as number;
  if (a > b) ctx.addIssue({ code: "custom", path: [low], message: `${low} (${a}) must be at most ${high} (${b})` });
}
