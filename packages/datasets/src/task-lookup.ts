/**
 * The entry called `name` in a catalog, light or full; throws an error listing the known names otherwise, so a
 * typo in a run config says what it could have been.
 */
export function findTask<T extends { name: string }>(catalog: readonly T[], name: string): T {
  const task = catalog.find((entry) => entry.name === name);
  if (!task) {
    throw new Error(`unknown task "${name}"; known tasks: ${catalog.map((entry) => entry.name).join(", ")}`);
  }
  return task;
}
