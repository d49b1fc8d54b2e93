import type { Command } from "commander";
import type { RepoScript } from "../cli-io";
import type { CommandContext } from "../command-context";

/** What each script of the checkout does, for the help. */
const SCRIPTS: Record<RepoScript, string> = {
  start: "run the whole platform on this machine: install (first time), migrate, web + worker + embedded services",
  test: "run every test of the checkout (arguments go to Jest, e.g. `seqlab test apps/cli`)",
};

/**
 * `seqlab start` and `seqlab test`: scripts/start.ts and scripts/test.ts of the checkout as a child process, every
 * argument passed through unchanged (their own flags included, `--help` too), exiting with the child's code.
 */
export function registerScripts(program: Command, ctx: CommandContext): void {
  for (const script of Object.keys(SCRIPTS) as RepoScript[]) {
    program
      .command(script)
      .description(SCRIPTS[script])
      .argument("[args...]", `passed to scripts/${script}.ts unchanged`)
      .helpOption(false)
      .allowUnknownOption()
      .allowExcessArguments()
      .passThroughOptions()
      .action(async (args: string[]) => {
        ctx.setExitCode(await ctx.io.runScript(script, args));
      });
  }
}
