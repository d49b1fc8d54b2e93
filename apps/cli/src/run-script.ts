import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { constants } from "node:os";
import path from "node:path";
import { CliError } from "./cli-error";
import type { RepoScript } from "./cli-io";

/** The checkout this CLI lives in (apps/cli/src is three levels down). */
const ROOT = path.resolve(__dirname, "../../..");

/**
 * Runs scripts/<script>.ts of the checkout with `node --import tsx`, stdio inherited and the arguments unchanged,
 * from the checkout's root (as `./seqlab` always did); resolves with its exit code. SIGTERM is forwarded to it.
 * SIGINT is forwarded only when stdin is not a terminal: at a terminal, Ctrl-C already reaches the whole
 * foreground process group, the child included, and a second one would make start.ts kill everything at once
 * instead of stopping workers first.
 */
export function runRepoScript(script: RepoScript, args: readonly string[], stdinIsTTY: boolean): Promise<number> {
  const file = path.join(ROOT, "scripts", `${script}.ts`);
  if (!existsSync(file)) {
    throw new CliError(`\`seqlab ${script}\` runs from a seqlab checkout: ${file} is not there`);
  }
  return new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", file, ...args], { cwd: ROOT, stdio: "inherit" });
    const forward = (signal: NodeJS.Signals) => () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    };
    const onTerm = forward("SIGTERM");
    const onInt = stdinIsTTY ? () => undefined : forward("SIGINT");
    process.on("SIGTERM", onTerm);
    process.on("SIGINT", onInt);
    const cleanup = () => {
      process.off("SIGTERM", onTerm);
      process.off("SIGINT", onInt);
    };
    child.once("error", (error) => {
      cleanup();
      reject(new CliError(`cannot run scripts/${script}.ts: ${error.message}`));
    });
    child.once("exit", (code, signal) => {
      cleanup();
      // A child ended by a signal exits 128 + the signal's number, as a shell reports it.
      resolve(code ?? 128 + (signal ? constants.signals[signal] : 0));
    });
  });
}
