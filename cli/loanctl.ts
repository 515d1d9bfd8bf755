#!/usr/bin/env node
/**
 * loanctl: the command line of loanstack. Only the SDK and commander are loaded here,
 * never Moleculer, so it starts fast.
 */
import { enableCompileCache } from "node:module";

// Node 22 keeps compiled code between runs: a faster start (absent on Node 20, and harmless)
enableCompileCache?.();

const argv = process.argv.slice(2);

// required after the compile cache is on. The root help, rendered at build time from the same
// program, is answered without loading commander (nor process.stdout); the rest goes to the program.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
const { answerRootHelp } = require("./root-help.js") as typeof import("./root-help.js");
const answered = answerRootHelp(argv);
if (answered !== undefined) {
  process.exitCode = answered;
} else {
  // `loanctl loans list | head` closes the pipe early: that is not an error
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
    throw error;
  });
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- commander and the program load only when the root help was not asked for
  const { run } = require("./program.js") as typeof import("./program.js");
  void run(argv, {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
  }).then((code) => {
    process.exitCode = code;
  });
}
