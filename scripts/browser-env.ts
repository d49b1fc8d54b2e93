import { chromium, type Browser, type LaunchOptions } from "playwright-core";
import { z } from "zod";

/** Where the browser tests and benchmarks find Chromium, parsed once (Debian's package path by default). */
const BrowserEnv = z.object({ CHROMIUM_PATH: z.string().min(1).default("/usr/bin/chromium") });
export const BROWSER_ENV = BrowserEnv.parse(process.env);

/**
 * The flags this machine's Chromium needs (shared/notes/browser.md): no sandbox as root, no GPU, /tmp instead of a
 * small /dev/shm, and nothing that reaches for the network on its own. Playwright gives each launch a fresh
 * temporary profile (it refuses a --user-data-dir here).
 */
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Headless Chromium for tests and benchmarks, with {@link CHROMIUM_ARGS}. */
export function launchChromium(options: Omit<LaunchOptions, "executablePath" | "args"> = {}): Promise<Browser> {
  return chromium.launch({ ...options, executablePath: BROWSER_ENV.CHROMIUM_PATH, args: CHROMIUM_ARGS });
}
