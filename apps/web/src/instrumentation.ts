/**
 * Next calls register() once when a server process starts. Headless installs set SEQLAB_ADMIN_EMAIL and
 * SEQLAB_ADMIN_PASSWORD: the first account is created then, instead of on the first-run page. Each process also
 * marks silent external runs CRASHED from here on, and takes its share of the sweep controller's jobs.
 */
export async function register(): Promise<void> {
  // Next's own switch between its runtimes; the server modules below only load in Node.
  // eslint-disable-next-line no-restricted-properties
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { ensureHeadlessAdmin } = await import("./server/headless-admin");
  await ensureHeadlessAdmin();
  const [{ startExternalRunReaper }, { services }, { startSweepJobs }, { configFromEnv }] = await Promise.all([
    import("./server/external-run-reaper"),
    import("./server/services"),
    import("./server/sweeps/sweep-jobs"),
    import("./server/config-from-env"),
  ]);
  startExternalRunReaper(services);
  await startSweepJobs(services, configFromEnv());
}
