import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { inheritedEnvironment } from "./start-env";

const ROOT = path.resolve(__dirname, "..");

/** A running `./seqlab start` and its output. */
export interface LauncherProcess {
  child: ChildProcess;
  /** Every line it (and its children, prefixed) printed so far. */
  lines: string[];
  /** Resolves with the first line (seen or to come) matching `re`; rejects after `timeoutMs` showing the last lines. */
  waitFor(re: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
}

/** The real `./seqlab start` (scripts/start.ts), with its output collected line by line. */
export function startLauncher(env: Record<string, string>): LauncherProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
    cwd: ROOT,
    env: { ...inheritedEnvironment(), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const waiters: { re: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  // One reader per stream: a line may arrive in pieces, and stdout's pieces must not join stderr's.
  const lineReader = () => {
    let partial = "";
    return (chunk: Buffer) => {
      const parts = (partial + chunk.toString()).split("\n");
      partial = parts.pop() ?? "";
      for (const line of parts) onLine(line);
    };
  };
  const onLine = (line: string) => {
    if (!line.trim()) return;
    lines.push(line);
    for (const w of [...waiters]) {
      const match = w.re.exec(line);
      if (match) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(match);
      }
    }
  };
  child.stdout!.on("data", lineReader());
  child.stderr!.on("data", lineReader());
  const waitFor = (re: RegExp, timeoutMs: number) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const seen = lines.map((l) => re.exec(l)).find(Boolean);
      if (seen) return resolve(seen);
      const timer = setTimeout(
        () => reject(new Error(`launcher never printed ${re} (last lines:\n${lines.slice(-20).join("\n")})`)),
        timeoutMs,
      );
      waiters.push({ re, resolve: (m) => (clearTimeout(timer), resolve(m)) });
    });
  return { child, lines, waitFor };
}
