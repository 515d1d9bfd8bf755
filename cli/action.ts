/**
 * The wrapper of every command's work: builds the run's context from the command's options
 * and turns an SDK error into loanctl's one clear line and exit status.
 */
import type { Command } from "commander";
import { LoanApiError } from "../sdk/index.js";
import { type Context, contextOf, type Io } from "./context.js";
import { describeApiError } from "./errors.js";

export function action<A extends unknown[]>(
  io: Io,
  handler: (ctx: Context, ...args: A) => Promise<void>,
): (...commanderArgs: unknown[]) => Promise<void> {
  return async (...commanderArgs: unknown[]) => {
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
  };
}
