import type { CliIo, OutputStream } from "./cli-io";
import type { CliEnv } from "./env";
import { promptOnTerminal, readAllStdin } from "./prompt";
import { runRepoScript } from "./run-script";

/** A process stream as an {@link OutputStream}; the width is read on every use, so a resized terminal is seen. */
function output(stream: NodeJS.WriteStream): OutputStream {
  return {
    write: (text) => void stream.write(text),
    get isTTY() {
      return stream.isTTY === true;
    },
    get columns() {
      return stream.isTTY ? stream.columns : undefined;
    },
  };
}

/** The real process's {@link CliIo}: its streams, terminal, signals, clock and fetch. */
export function createNodeIo(env: CliEnv): CliIo {
  const stdinIsTTY = process.stdin.isTTY === true;
  return {
    stdout: output(process.stdout),
    stderr: output(process.stderr),
    env,
    cwd: process.cwd(),
    stdinIsTTY,
    prompt: (question, { secret }) => promptOnTerminal(question, secret),
    readStdin: readAllStdin,
    onInterrupt(handler) {
      process.on("SIGINT", handler);
      return () => void process.off("SIGINT", handler);
    },
    now: () => Date.now(),
    sleep: (ms, signal) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(done, ms);
        function done() {
          clearTimeout(timer);
          signal?.removeEventListener("abort", done);
          resolve();
        }
        signal?.addEventListener("abort", done, { once: true });
      }),
    fetch: (input, init) => fetch(input, init),
    runScript: (script, args) => runRepoScript(script, args, stdinIsTTY),
  };
}
