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

/** commander's output and exit status for these calls, as program.ts's run answers them. */
const ROOT_HELP_CALLS = new Map<string, { fd: 1 | 2; code: number }>([
  ["", { fd: 2, code: 2 }], // no command: the help is the usage error, on stderr
  ["--help", { fd: 1, code: 0 }],
  ["-h", { fd: 1, code: 0 }],
  ["help", { fd: 1, code: 0 }],
]);

/** The files whose content the root help is made of. */
function sources(): string[] {
  const commands = path.join(__dirname, "commands");
  return [
    path.join(__dirname, "program.js"),
    ...fs
      .readdirSync(commands)
      .filter((name) => name.endsWith(".js"))
      .map((name) => path.join(commands, name)),
  ];
}

/** Writes the root help and answers the exit status, or undefined when commander must answer. */
export function answerRootHelp(argv: string[]): number | undefined {
  if (argv.length > 1) return undefined;
  const call = ROOT_HELP_CALLS.get(argv[0] ?? "");
  if (!call) return undefined;
  let text: string;
  try {
    // commander wraps the help at a terminal's width, at 80 columns elsewhere
    if (isTerminal(call.fd) && (call.fd === 1 ? process.stdout : process.stderr).columns !== HELP_WIDTH) return undefined;
    const rendered = fs.statSync(HELP_FILE).mtimeMs;
    // a program rebuilt without its help (tsc alone) is newer than the text: commander answers
    if (sources().some((file) => fs.statSync(file).mtimeMs > rendered)) return undefined;
    text = fs.readFileSync(HELP_FILE, "utf8");
  } catch {
    return undefined; // not built with the help (running from the sources, a partial build)
  }
  write(call.fd, Buffer.from(text));
  return call.code;
}

/** Only a character device can be a terminal: a pipe or a file is told apart without node:tty, which costs ms to load. */
function isTerminal(fd: 1 | 2): boolean {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
  return fs.fstatSync(fd).isCharacterDevice() && (require("node:tty") as typeof import("node:tty")).isatty(fd);
}

/**
 * Written to the file descriptor: merely setting up process.stdout's stream costs a few ms,
 * as much as the rest of this answer.
 */
function write(fd: 1 | 2, bytes: Buffer): void {
  let done = 0;
  try {
    while (done < bytes.length) done += fs.writeSync(fd, bytes, done);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EPIPE") return; // `loanctl --help | true`: the reader left, which is no error
    if (code !== "EAGAIN") throw error;
    // a full non-blocking pipe: the stream waits for it to drain
    (fd === 1 ? process.stdout : process.stderr).write(bytes.subarray(done));
  }
}
