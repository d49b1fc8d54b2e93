import { stat } from "node:fs/promises";
import path from "node:path";

/**
 * Where a download goes: `-o` resolved against the caller's directory (a directory there gets the default name
 * inside it), or the default name in the caller's directory.
 */
export async function outputPath(cwd: string, flag: string | undefined, defaultName: string): Promise<string> {
  if (flag === undefined) return path.resolve(cwd, defaultName);
  const resolved = path.resolve(cwd, flag);
  const isDirectory = await stat(resolved).then(
    (s) => s.isDirectory(),
    () => false,
  );
  return isDirectory ? path.join(resolved, defaultName) : resolved;
}
