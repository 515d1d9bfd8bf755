#!/usr/bin/env node
/**
 * loanctl: the command line of loanstack. Only the SDK and commander are loaded here,
 * never Moleculer, so it starts fast.
 */
import { enableCompileCache } from "node:module";

// Node 22 keeps compiled code between runs: a faster start (absent on Node 20, and harmless)
enableCompileCache?.();

// `loanctl loans list | head` closes the pipe early: that is not an error
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

// required after the compile cache is on
const { run } = require("./program.js") as typeof import("./program.js");

void run(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
}).then((code) => {
  process.exitCode = code;
});
