/**
 * Questions loanctl asks. On a terminal: prompts on stderr, passwords without echo,
 * confirmations as [y/N]. Without a terminal nothing is asked: passwords are read from
 * stdin one line each (--password-stdin), other missing values are usage errors, and a
 * destructive command needs --yes.
 */
import { CliError, EXIT, cancelled, usageError } from "./errors.js";

export interface InStream extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?: (mode: boolean) => unknown;
}

export interface PromptIo {
  stdin: InStream;
  stderr: { write(chunk: string): boolean; isTTY?: boolean };
}

/** Lines of a non-interactive stdin, read as they are needed. */
export class LineReader {
  private buffer = "";
  private lines: string[] = [];
  private ended = false;

  constructor(private readonly input: NodeJS.ReadableStream) {}

  /** The next line without its line end, or undefined at the end of input. */
  async next(): Promise<string | undefined> {
    while (this.lines.length === 0 && !this.ended) await this.fill();
    if (this.lines.length > 0) return this.lines.shift();
    if (this.buffer !== "") {
      const last = this.buffer;
      this.buffer = "";
      return last;
    }
    return undefined;
  }

  private fill(): Promise<void> {
    if ((this.input as { readableEnded?: boolean }).readableEnded) {
      this.ended = true;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const cleanup = (): void => {
        this.input.off("data", onData);
        this.input.off("end", onEnd);
        this.input.off("error", onError);
        this.input.pause();
      };
      const onData = (chunk: Buffer | string): void => {
        this.buffer += chunk.toString();
        const parts = this.buffer.split(/\r?\n/);
        this.buffer = parts.pop() ?? "";
        this.lines.push(...parts);
        if (this.lines.length > 0) {
          cleanup();
          resolve();
        }
      };
      const onEnd = (): void => {
        this.ended = true;
        cleanup();
        resolve();
      };
      const onError = (error: Error): void => {
        cleanup();
        reject(error);
      };
      this.input.on("data", onData);
      this.input.on("end", onEnd);
      this.input.on("error", onError);
      this.input.resume();
    });
  }
}

export class Prompter {
  private lineReader: LineReader | undefined;

  constructor(
    private readonly io: PromptIo,
    /** --password-stdin: the password comes from stdin, so it is not asked twice. */
    private readonly passwordStdin = false,
  ) {}

  /** Whether questions can be asked of a person. */
  get interactive(): boolean {
    return this.io.stdin.isTTY === true && this.io.stderr.isTTY === true;
  }

  private lines(): LineReader {
    this.lineReader ??= new LineReader(this.io.stdin);
    return this.lineReader;
  }

  /**
   * A password: typed without echo when stdin is a terminal, else the next line of stdin
   * (--password-stdin says so explicitly; a terminal is never read with echo).
   */
  async password(label: string, options: { confirm?: boolean } = {}): Promise<string> {
    if (this.io.stdin.isTTY !== true) {
      const line = await this.lines().next();
      if (line === undefined || line === "") {
        throw usageError(`expected the ${label.toLowerCase()} on stdin (one line each)`);
      }
      return line;
    }
    const value = await this.hidden(`${label}: `);
    if (options.confirm && !this.passwordStdin) {
      const again = await this.hidden(`Repeat ${label.toLowerCase()}: `);
      if (again !== value) throw usageError("the passwords do not match");
    }
    if (value === "") throw usageError(`no ${label.toLowerCase()} given`);
    return value;
  }

  /** A value that has a flag: asked on a terminal, else the flag is required. */
  async text(label: string, flag: string, given: string | undefined): Promise<string> {
    if (given !== undefined && given !== "") return given;
    if (!this.interactive) throw usageError(`${flag} is required when not running in a terminal`);
    const answer = (await this.ask(`${label}: `)).trim();
    if (answer === "") throw usageError(`${flag} is required`);
    return answer;
  }

  /**
   * Yes/no before a destructive action; `--yes` answers for the user.
   * `what` names the action for the refusal without a terminal, e.g. "reject loan 42".
   */
  async confirm(question: string, what: string, yes: boolean | undefined): Promise<void> {
    if (yes) return;
    if (!this.interactive) throw usageError(`refusing to ${what} without confirmation: pass --yes`);
    const answer = (await this.ask(`${question} [y/N] `)).trim().toLowerCase();
    if (answer !== "y" && answer !== "yes") throw cancelled();
  }

  /** A line typed on the terminal (echoed, as usual); Ctrl-D is an interruption. */
  private async ask(question: string): Promise<string> {
    this.io.stderr.write(question);
    const line = await this.lines().next();
    if (line === undefined) {
      this.io.stderr.write("\n");
      throw new CliError("interrupted", EXIT.INTERRUPTED);
    }
    return line;
  }

  /** Reads a line on a raw terminal, echoing nothing. */
  private hidden(prompt: string): Promise<string> {
    const { stdin, stderr } = this.io;
    return new Promise((resolve, reject) => {
      let value = "";
      stderr.write(prompt);
      stdin.setRawMode?.(true);
      stdin.setEncoding("utf8");
      const finish = (error?: CliError): void => {
        stdin.off("data", onData);
        stdin.setRawMode?.(false);
        stdin.pause();
        stderr.write("\n");
        if (error) reject(error);
        else resolve(value);
      };
      const onData = (chunk: Buffer | string): void => {
        for (const char of chunk.toString()) {
          switch (char) {
            case "\r":
            case "\n":
              finish();
              return;
            case "\u0003": // Ctrl-C
              finish(new CliError("interrupted", EXIT.INTERRUPTED));
              return;
            case "\u0004": // Ctrl-D
              if (value === "") {
                finish(new CliError("interrupted", EXIT.INTERRUPTED));
                return;
              }
              break;
            case "\u007f": // backspace
            case "\b":
              value = [...value].slice(0, -1).join("");
              break;
            case "\u0015": // Ctrl-U
              value = "";
              break;
            default:
              if (char >= " ") value += char;
          }
        }
      };
      stdin.on("data", onData);
      stdin.resume();
    });
  }
}
