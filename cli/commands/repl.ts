/**
 * `loanctl repl`: a Moleculer REPL node joining the cluster through TRANSPORTER. Moleculer
 * is loaded only here, when the command runs, from the services side of the package.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Command } from "commander";
import { action } from "../action.js";
import type { Io } from "../context.js";
import { CliError } from "../errors.js";

/** Where the services' REPL module sits relative to this file (dist/cli/commands). */
export const REPL_MODULE = path.join(__dirname, "..", "..", "services", "shared", "repl.js");

function isModuleMissing(error: unknown, file: string): boolean {
  const e = error as NodeJS.ErrnoException & { url?: string };
  if (e.code !== "ERR_MODULE_NOT_FOUND" && e.code !== "MODULE_NOT_FOUND") return false;
  const message = String(e.message ?? "");
  return message.includes(file) || message.includes(pathToFileURL(file).href) || (e.url ?? "") === pathToFileURL(file).href;
}

export function registerRepl(program: Command, io: Io): void {
  program
    .command("repl")
    .description("start a Moleculer REPL node that joins the cluster through TRANSPORTER")
    .addHelpText("after", "\nExamples:\n  $ TRANSPORTER=nats://localhost:4222 loanctl repl\n  mol $ call users.listUsers --page 1\n")
    .action(
      action(io, async () => {
        let mod: { startRepl?: unknown };
        try {
          mod = (await import(pathToFileURL(REPL_MODULE).href)) as { startRepl?: unknown };
        } catch (error) {
          if (isModuleMissing(error, REPL_MODULE)) {
            throw new CliError(`loanctl repl needs the services of loanstack, not found at ${REPL_MODULE}; ` + "run it from a built loanstack checkout (npm run build)");
          }
          throw error;
        }
        if (typeof mod.startRepl !== "function") {
          throw new CliError(`${REPL_MODULE} does not export startRepl()`);
        }
        try {
          await (mod.startRepl as () => Promise<void>)();
        } catch (error) {
          // the services' own "cannot start" (no TRANSPORTER, unreachable): one line as it is
          if (error instanceof Error && error.name === "ReplStartError") throw new CliError(error.message);
          throw error;
        }
      }),
    );
}
