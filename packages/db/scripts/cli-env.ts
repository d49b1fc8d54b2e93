import { z } from "zod";

/** The migrations CLI's environment, parsed once. */
const CliEnv = z.object({
  /** The database to migrate when --url is not given. */
  DATABASE_URL: z.string().url().optional(),
});

/** Parses the CLI's environment or throws naming each bad variable. */
export function cliEnv(): z.infer<typeof CliEnv> {
  const parsed = CliEnv.safeParse(process.env);
  if (!parsed.success) {
    throw new Error(
      `invalid environment: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  }
  return parsed.data;
}
