#!/usr/bin/env node
// The npm-installed `seqlab`: runs src/main.ts with tsx (the CLI ships as TypeScript, like every workspace here),
// in the caller's directory, with the arguments unchanged, and exits with its code.
"use strict";
const { spawn } = require("node:child_process");
const { constants } = require("node:os");
const path = require("node:path");
const { pathToFileURL } = require("node:url");

// tsx resolved from here, not from the caller's directory, which may be anywhere.
const tsx = pathToFileURL(require.resolve("tsx")).href;
const main = path.join(__dirname, "..", "src", "main.ts");
const child = spawn(process.execPath, ["--import", tsx, main, ...process.argv.slice(2)], { stdio: "inherit" });

// SIGTERM is sent to this process alone: pass it on. At a terminal Ctrl-C reaches the whole foreground process
// group, the child included, so SIGINT is passed on only when stdin is no terminal; a second one would make
// `seqlab start` kill everything at once instead of stopping workers first.
const forward = (signal) => () => {
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
};
process.on("SIGTERM", forward("SIGTERM"));
process.on("SIGINT", process.stdin.isTTY ? () => undefined : forward("SIGINT"));

child.on("error", (error) => {
  process.stderr.write(`seqlab: cannot start node: ${error.message}\n`);
  process.exit(1);
});
// A child ended by a signal exits 128 + the signal's number, as a shell reports it.
child.on("exit", (code, signal) => process.exit(code ?? 128 + (signal ? constants.signals[signal] : 0)));
