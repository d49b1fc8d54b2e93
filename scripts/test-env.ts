import { z } from "zod";

/** The test runner's environment, parsed once. */
export const TestEnv = z.object({
  /** PostgreSQL the tests create their schemas in; an embedded one is started when it is not reachable. */
  TEST_DATABASE_URL: z.string().url().default("postgres://postgres@127.0.0.1:5432/test"),
  /** Redis the tests use (each with its own key prefix); a private one is started when it is not reachable. */
  TEST_REDIS_URL: z.string().url().optional(),
  /** The platform's Redis, used for the tests when TEST_REDIS_URL is not set. */
  REDIS_URL: z.string().url().optional(),
  /** Chromium for the browser tests (Debian's package path by default). */
  CHROMIUM_PATH: z.string().default("/usr/bin/chromium"),
});
export type TestEnv = z.infer<typeof TestEnv>;
