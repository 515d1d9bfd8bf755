/**
 * The loanctl program: global options, the command tree, and how a run ends (exit status,
 * one error line, a stack trace only with --debug).
 */
import { Command, CommanderError } from "commander";
import { registerApprovals } from "./commands/approvals.js";
import { registerAudit } from "./commands/audit.js";
import { registerAuth } from "./commands/auth.js";
import { registerCob } from "./commands/cob.js";
import { registerHealth } from "./commands/health.js";
import { registerLedger } from "./commands/ledger.js";
import { registerLimits } from "./commands/limits.js";
import { registerLoans } from "./commands/loans.js";
import { registerRepl } from "./commands/repl.js";
import { registerSeed } from "./commands/seed.js";
import { registerPortfolio } from "./commands/servicing.js";
import { registerProducts } from "./commands/products.js";
import { registerSessions } from "./commands/sessions.js";
import { registerUsers } from "./commands/users.js";
import type { Io } from "./context.js";
import { CliError, EXIT } from "./errors.js";
import { colorEnabled, paint } from "./output.js";
import { packageVersion } from "./version.js";

const ROOT_HELP = `
Examples:
  $ loanctl login --email admin@example.com
  $ loanctl approvals list
  $ loanctl loans list --status NEW
  $ loanctl loans approve 42
  $ loanctl products list
  $ loanctl loans transactions 42
  $ loanctl cob run --date 2026-03-10
  $ loanctl ledger trial-balance
  $ loanctl --json loans show 42 | jq .emi
  $ loanctl sessions list

Environment:
  LOANCTL_API_URL   the API's URL (like --api-url)
  XDG_CONFIG_HOME   where the login is kept ($XDG_CONFIG_HOME/loanctl, else ~/.config/loanctl)
  NO_COLOR          never colour the output

Exit status:
  0 success, 1 the request failed, 2 usage error, 3 the API cannot be reached,
  4 not logged in or session expired, 130 interrupted
`;

export function buildProgram(io: Io): Command {
  const program = new Command("loanctl")
    .description("Work with a loanstack loan back office: accounts, approvals, loans and loan products.")
    .version(packageVersion(), "-V, --version", "print the version")
    .option("--api-url <url>", "the API's URL (default: $LOANCTL_API_URL, else the one you logged in to, else http://localhost:8000)")
    .option("--json", "print JSON for scripts instead of tables")
    .option("--no-color", "never colour the output (NO_COLOR does the same)")
    .option("--debug", "show HTTP requests and stack traces")
    .helpOption("-h, --help", "show help")
    .helpCommand("help [command]", "show help for a command")
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .configureOutput({
      writeOut: (text) => void io.stdout.write(text),
      writeErr: (text) => void io.stderr.write(text),
      outputError: (text, write) => write(text.replace(/^error:/, paint("error:", "red", colorEnabled(io.stderr, io.env)))),
    })
    .showSuggestionAfterError(true)
    .exitOverride()
    .addHelpText("after", ROOT_HELP);

  registerAuth(program, io);
  registerUsers(program, io);
  registerApprovals(program, io);
  registerLoans(program, io);
  registerProducts(program, io);
  registerLimits(program, io);
  registerAudit(program, io);
  registerPortfolio(program, io);
  registerCob(program, io);
  registerLedger(program, io);
  registerSeed(program, io);
  registerHealth(program, io);
  registerRepl(program, io);
  registerSessions(program, io);

  // every subcommand: same output, same exit handling, help shown after a usage error
  const configure = (command: Command): void => {
    for (const sub of command.commands) {
      sub.configureHelp({ showGlobalOptions: true }).configureOutput(program.configureOutput()).showHelpAfterError("(add --help for usage)").exitOverride();
      configure(sub);
    }
  };
  configure(program);
  program.showHelpAfterError("(add --help for usage)");
  return program;
}

/** Global options followed by a value: the word after them is not the command. */
const VALUE_OPTIONS = new Set(["--api-url"]);

/**
 * `loanctl help loans disburse` as `loanctl loans disburse --help`: commander's help command
 * looks one level down only, and would print the help of `loans`.
 */
export function helpAsFlag(argv: string[]): string[] {
  let at = 0;
  while (at < argv.length && argv[at]!.startsWith("-")) at += VALUE_OPTIONS.has(argv[at]!) ? 2 : 1;
  const words = argv.slice(at + 1);
  if (argv[at] !== "help" || words.length < 2 || words.some((w) => w.startsWith("-"))) return argv;
  return [...argv.slice(0, at), ...words, "--help"];
}

/** Runs loanctl with `argv` (without node and script); answers the exit status. */
export async function run(given: string[], io: Io): Promise<number> {
  const argv = helpAsFlag(given);
  const debug = argv.includes("--debug") || io.env.LOANCTL_DEBUG === "1";
  const errColor = colorEnabled(io.stderr, io.env, argv.includes("--no-color") ? false : undefined);
  try {
    const program = buildProgram(io);
    await program.parseAsync(argv, { from: "user" });
    return EXIT.OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander has written its message already
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version") return EXIT.OK;
      if (error.code === "commander.help") return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
      return EXIT.USAGE;
    }
    const label = paint("error:", "red", errColor);
    if (error instanceof CliError) {
      io.stderr.write(error.plain ? `${error.message}\n` : `${label} ${error.message}\n`);
      if (debug && error.stack) io.stderr.write(`${error.stack}\n`);
      return error.exitCode;
    }
    // not foreseen (a bug, a disk full, ...): still one line, the trace with --debug
    const message = error instanceof Error ? error.message : String(error);
    if (debug && error instanceof Error && error.stack) io.stderr.write(`${label} ${message}\n${error.stack}\n`);
    else io.stderr.write(`${label} ${message} (run with --debug for details)\n`);
    return EXIT.FAILED;
  }
}
