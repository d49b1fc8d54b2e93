import { z } from "zod";

/** The web app's environment, parsed once; nothing else reads process.env. */
const WebEnv = z.object({
  /** PostgreSQL URL; the launcher points it at the embedded server when the user has none. */
  DATABASE_URL: z.string().url(),
  /** Redis URL for the run queues and live metric pub/sub. */
  REDIS_URL: z.string().url(),
  /** BullMQ key prefix; tests use their own so they never see other jobs. */
  SEQLAB_QUEUE_PREFIX: z.string().min(1).default("bull"),
});
export type WebEnv = z.infer<typeof WebEnv>;

let cached: WebEnv | null = null;

/** Parsed on first use (not at import) so `next build` works without a database. */
export function env(): WebEnv {
  if (!cached) {
    const result = WebEnv.safeParse(process.env);
    if (!result.success) {
      throw new Error(
        `seqlab web: invalid environment: ${result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
      );
    }
    cached = result.data;
  }
  return cached;
}
