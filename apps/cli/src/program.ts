import { Command } from "commander";
import type { CliIo } from "./cli-io";
import { addConnectionOptions, connectFor, type CommandContext } from "./command-context";
import { registerCancel } from "./commands/cancel";
import { registerExport } from "./commands/export";
import { registerLaunch } from "./commands/launch";
import { registerLogin } from "./commands/login";
import { registerLogs } from "./commands/logs";
import { registerPull } from "./commands/pull";
import { registerQueues } from "./commands/queues";
import { registerRunShow } from "./commands/run-show";
import { registerRunsList } from "./commands/runs-list";
import { registerScripts } from "./commands/scripts";
import { registerSweep } from "./commands/sweep";
import { registerSync } from "./commands/sync";
import { registerWorkers } from "./commands/workers";
import { noColorRequested } from "./env";
import { createColors } from "./output/colors";

/** The help's closing section: where credentials come from and what the exit codes mean. */
const HELP_FOOTER = `
Start the platform with \`seqlab start\`, run every test with \`seqlab test\`.

Connection: --url/--key, else SEQLAB_URL/SEQLAB_API_KEY, else what \`seqlab login\` stored.
Listings take --json (the server's answer as is). NO_COLOR, or output that is not a terminal, turns colours off.
Exit codes: 0 success; 1 failure (the server refused, a followed run did not succeed); 2 usage error;
130 Ctrl-C (a followed run keeps training).`;

/** A built program, and the exit code its commands set (0 unless one did). */
export interface BuiltProgram {
  program: Command;
  exitCode(): number;
  /** The command whose command line commander refused, as typed (`seqlab runs ls`); null before any. */
  refusedCommand(): string | null;
}

/** `command`'s name with its parents': `seqlab runs ls`. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

/** Calls `visit` on `command` and every command below it. */
function eachCommand(command: Command, visit: (command: Command) => void): void {
  visit(command);
  for (const sub of command.commands) eachCommand(sub, visit);
}

/**
 * The `seqlab` command line on `io`. Commander never exits the process or prints errors itself: `runCli` turns
 * every failure into one line and an exit code, so tests run commands in-process.
 */
export function buildProgram(io: CliIo, overrides: Partial<Pick<CommandContext, "connect">> = {}): BuiltProgram {
  let exitCode = 0;
  const ctx: CommandContext = {
    io,
    colors: createColors(io.stdout.isTTY && !noColorRequested(io.env)),
    connect: overrides.connect ?? ((command) => connectFor(io, command)),
    setExitCode: (code) => {
      exitCode = code;
    },
  };
  const program = new Command("seqlab")
    .description("seqlab: train sequence models on your own machines, from the command line")
    .usage("<command> [options]")
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      // runCli reports the error once, on one line.
      outputError: () => undefined,
      getOutHelpWidth: () => io.stdout.columns ?? 80,
      getErrHelpWidth: () => io.stderr.columns ?? 80,
      getOutHasColors: () => false,
      getErrHasColors: () => false,
    })
    // Set again per command below; this one reaches what commander creates lazily (the `help` command).
    .exitOverride()
    .showSuggestionAfterError(true)
    // Options of the program come before the command, so `seqlab test --url x` passes `--url x` to the tests.
    .enablePositionalOptions()
    .addHelpText("afterAll", HELP_FOOTER);
  addConnectionOptions(program);

  registerLogin(program, ctx);
  registerLaunch(program, ctx);
  const runs = program.command("runs").description("list runs, or show one");
  registerRunsList(runs, ctx);
  registerRunShow(runs, ctx);
  registerLogs(program, ctx);
  registerCancel(program, ctx);
  registerPull(program, ctx);
  registerExport(program, ctx);
  registerWorkers(program, ctx);
  registerQueues(program, ctx);
  registerSweep(program, ctx);
  registerSync(program, ctx);
  registerScripts(program, ctx);
  // Each command throws commander's errors instead of exiting, and says which command it was, for the hint.
  let refused: Command | null = null;
  eachCommand(program, (command) =>
    command.exitOverride((error) => {
      refused = command;
      throw error;
    }),
  );
  return { program, exitCode: () => exitCode, refusedCommand: () => (refused ? commandPath(refused) : null) };
}
