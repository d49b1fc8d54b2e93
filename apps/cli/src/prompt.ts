import readline from "node:readline";
import { CliError, EXIT_INTERRUPTED } from "./cli-error";

/** Characters a terminal in raw mode sends for Enter, Ctrl-C, Ctrl-D and the two spellings of backspace. */
const ENTER = new Set(["\r", "\n"]);
const CTRL_C = "\u0003";
const CTRL_D = "\u0004";
const BACKSPACE = new Set(["\u007f", "\b"]);

/**
 * Asks on the terminal: the question on stderr (stdout stays for results), the answer read from stdin. A secret
 * answer is read in raw mode and not echoed; Ctrl-C cancels with exit code 130.
 */
export function promptOnTerminal(question: string, secret: boolean): Promise<string> {
  const stdin = process.stdin;
  if (!secret) {
    const rl = readline.createInterface({ input: stdin, output: process.stderr, terminal: true });
    return new Promise<string>((resolve, reject) => {
      rl.once("SIGINT", () => {
        rl.close();
        process.stderr.write("\n");
        reject(new CliError("cancelled", EXIT_INTERRUPTED));
      });
      rl.question(question, (answer) => {
        rl.close();
        resolve(answer);
      });
    });
  }
  return new Promise<string>((resolve, reject) => {
    process.stderr.write(question);
    let answer = "";
    const wasRaw = stdin.isRaw;
    stdin.setRawMode(true);
    stdin.setEncoding("utf8");
    const finish = (error: CliError | null) => {
      stdin.setRawMode(wasRaw);
      stdin.off("data", onData);
      stdin.pause();
      process.stderr.write("\n");
      if (error) reject(error);
      else resolve(answer);
    };
    // A paste arrives as one chunk of many characters: each is handled, and input ends at the first Enter.
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (ENTER.has(char) || char === CTRL_D) return finish(null);
        if (char === CTRL_C) return finish(new CliError("cancelled", EXIT_INTERRUPTED));
        if (BACKSPACE.has(char)) answer = answer.slice(0, -1);
        else if (char >= " ") answer += char;
      }
    };
    stdin.on("data", onData);
    stdin.resume();
  });
}

/** All of stdin as text. */
export async function readAllStdin(): Promise<string> {
  let text = "";
  process.stdin.setEncoding("utf8");
  for await (const chunk of process.stdin) text += String(chunk);
  return text;
}
