/**
 * loanctl's root help (`loanctl`, `loanctl --help`, `-h`, `help`) answered from text that the
 * build renders with commander from the same program (write-help.ts), so the commonest call
 * of all needs no commander and no command tree. Answered only where the text is exactly what
 * commander would print: output not a terminal, or a terminal as wide as the rendering; and a
 * help.txt not older than the program it was rendered from. Anything else goes to commander.
 */
import fs from "node:fs";
import path from "node:path";

/** Where the build writes the text, beside this file in dist/cli. */
export const HELP_FILE = path.join(__dirname, "help.txt");

/** The width the text is rendered at: commander's own default when the output is not a terminal. */
export const HELP_WIDTH = 80;

interface Stream {
  write(chunk: string): boolean;
  isTTY?: boolean;
  columns?: number;
}

/** commander's exit statuses for these calls, as program.ts's run answers them. */
const ROOT_HELP_CALLS: Record<string, { stream: "stdout" | "stderr"; code: number }> = {
  "": { stream: "stderr", code: 2 }, // no command: the help is the usage error
  "--help": { stream: "stdout", code: 0 },
  "-h": { stream: "stdout", code: 0 },
  help: { stream: "stdout", code: 0 },
};

/** The files whose content the root help is made of. */
function sources(): string[] {
  const commands = path.join(__dirname, "commands");
  return [
    path.join(__dirname, "program.js"),
    ...fs.readdirSync(commands).filter((name) => name.endsWith(".js")).map((name) => path.join(commands, name)),
  ];
}

/** Writes the root help and answers the exit status, or undefined when commander must answer. */
export function answerRootHelp(argv: string[], streams: { stdout: Stream; stderr: Stream }): number | undefined {
  if (argv.length > 1) return undefined;
  const call = ROOT_HELP_CALLS[argv[0] ?? ""];
  if (!call) return undefined;
  const stream = streams[call.stream];
  if (stream.isTTY && stream.columns !== HELP_WIDTH) return undefined;
  let text: string;
  try {
    const rendered = fs.statSync(HELP_FILE).mtimeMs;
    // a program rebuilt without the help (tsc alone) is newer than its help: commander answers
    if (sources().some((file) => fs.statSync(file).mtimeMs > rendered)) return undefined;
    text = fs.readFileSync(HELP_FILE, "utf8");
  } catch {
    return undefined; // not built with the help (running from source, a partial build)
  }
  stream.write(text);
  return call.code;
}
