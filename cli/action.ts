/**
 * The wrapper of every command's work, as commander's action callback. What runs the work
 * (run-action.ts: the context, the SDK client, credentials, prompts) is required only when a
 * command runs: building the command tree for `--help` must stay cheap.
 */
import type { Context, Io } from "./context.js";

export function action<A extends unknown[]>(io: Io, handler: (ctx: Context, ...args: A) => Promise<void>): (...commanderArgs: unknown[]) => Promise<void> {
  return async (...commanderArgs: unknown[]) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on the first action run, not when the program is built
    const { runAction } = require("./run-action.js") as typeof import("./run-action.js");
    await runAction(io, handler, commanderArgs);
  };
}
