/**
 * How a command's work runs: builds the run's context from the command's options and turns
 * an SDK error into loanctl's one clear line and exit status. Loaded by action.ts only when
 * a command runs, so `--help` and usage errors never load the SDK, credentials or prompts.
 */
import type { Command } from "commander";
import { LoanApiError } from "../sdk/errors.js";
import { type Context, contextOf, type Io } from "./context.js";
import { describeApiError } from "./errors.js";

export async function runAction<A extends unknown[]>(io: Io, handler: (ctx: Context, ...args: A) => Promise<void>, commanderArgs: unknown[]): Promise<void> {
  const command = commanderArgs[commanderArgs.length - 1] as Command;
  const args = command.processedArgs as A;
  const ctx = contextOf(command, io);
  try {
    await handler(ctx, ...args);
  } catch (error) {
    if (error instanceof LoanApiError) {
      const user = ctx.credentials?.user;
      const cli = describeApiError(error, {
        apiUrl: ctx.apiUrl,
        hadToken: ctx.credentials !== undefined,
        who: user ? `${user.email} (${user.role})` : undefined,
      });
      if (ctx.debug) cli.stack = error.stack;
      throw cli;
    }
    throw error;
  }
}
