/**
 * Build step (`npm run build`): renders loanctl's root help with commander from the program
 * itself and writes it to dist/cli/help.txt, which root-help.ts answers from. A test holds the
 * binary's answer equal to what commander prints, so the two cannot drift apart.
 */
import fs from "node:fs";
import { buildProgram } from "./program.js";
import { HELP_FILE, HELP_WIDTH } from "./root-help.js";

/** The root help as commander prints it to a stream that is not a terminal. */
export function renderRootHelp(): string {
  let text = "";
  const capture = { write: (chunk: string) => ((text += chunk), true) };
  const program = buildProgram({ stdin: process.stdin, stdout: capture, stderr: capture, env: {} });
  // the width and colours commander uses when its output is a pipe, whatever this build runs in
  program.configureOutput({ getOutHelpWidth: () => HELP_WIDTH, getOutHasColors: () => false });
  program.outputHelp();
  return text;
}

if (require.main === module) fs.writeFileSync(HELP_FILE, renderRootHelp());
