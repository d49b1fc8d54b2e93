/** Polls `condition` every 5 ms until it holds or 10 s pass, so a loaded machine's timing cannot fail a test. */
export async function until(condition: () => boolean): Promise<void> {
  const end = Date.now() + 10_000;
  while (!condition() && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 5));
}
