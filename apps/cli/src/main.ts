// The `seqlab` command: `./seqlab <command>` and the npm bin (bin/seqlab.cjs) both run this file with tsx.
import { EXIT_USAGE } from "./cli-error";
import { parseCliEnv } from "./env";
import { createNodeIo } from "./node-io";
import { reportError, runCli } from "./run-cli";

/** Exits with `code` once stdout and stderr are flushed (a pipe may hold a table's tail a moment longer). */
function exitAfterFlush(code: number): void {
  process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
}

async function main(): Promise<void> {
  let env;
  try {
    env = parseCliEnv();
  } catch (error) {
    process.stderr.write(`seqlab: ${error instanceof Error ? error.message : String(error)}\n`);
    return exitAfterFlush(EXIT_USAGE);
  }
  if (env.SEQLAB_CALLER_CWD) {
    try {
      process.chdir(env.SEQLAB_CALLER_CWD);
    } catch {
      // The directory went away meanwhile: stay in the checkout rather than fail every command.
    }
  }
  const io = createNodeIo(env);
  let code: number;
  try {
    code = await runCli(process.argv.slice(2), io);
  } catch (error) {
    code = reportError(io, error);
  }
  exitAfterFlush(code);
}

void main();
