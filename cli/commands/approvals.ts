/**
 * Agent approvals (admin): `approvals list|approve|reject`.
 */
import type { Command } from "commander";
import { action } from "../action.js";
import { money, positiveInt } from "../args.js";
import type { Io } from "../context.js";
import { userRecord } from "../views.js";
import { type ListOptions, pageQuery, printUsers, withPaging } from "./users.js";

export function registerApprovals(program: Command, io: Io): void {
  const approvals = program.command("approvals").description("agents waiting for an admin's approval (admin)");

  withPaging(approvals.command("list").alias("ls").description("list the agents waiting for approval"))
    .addHelpText("after", "\nExample:\n  $ loanctl approvals list\n")
    .action(
      action(io, async (ctx) => {
        const page = await ctx.client().listApprovals(pageQuery(ctx.opts<ListOptions>()));
        printUsers(ctx, page, "No agents are waiting for approval");
      }),
    );

  approvals
    .command("approve")
    .description("approve an agent, who can then log in and request loans")
    .argument("<user-id>", "the agent's user id", positiveInt)
    .option("--limit <amount>", "the agent's lending limit, e.g. 2000000 (default: the server's AGENT_DEFAULT_LIMIT)", money)
    .addHelpText("after", "\nExamples:\n  $ loanctl approvals approve 7\n  $ loanctl approvals approve 7 --limit 2000000\n")
    .action(
      action(io, async (ctx, id: number) => {
        const limit = ctx.opts<{ limit?: string }>().limit;
        const user = await ctx.client().approveAgent(id, limit === undefined ? {} : { lending_limit: limit });
        ctx.out.data(user, () => userRecord(user, ctx.out.color));
        ctx.out.success(`Approved agent ${user.email} (id ${user.id})${limit === undefined ? "" : `, lending limit ${limit}`}`);
      }),
    );

  approvals
    .command("reject")
    .description("remove an agent, pending or approved; its tokens stop working, its loans stay")
    .argument("<user-id>", "the agent's user id", positiveInt)
    .option("-y, --yes", "do not ask for confirmation")
    .addHelpText("after", "\nExamples:\n  $ loanctl approvals reject 7\n  $ loanctl approvals reject 7 --yes\n")
    .action(
      action(io, async (ctx, id: number) => {
        const client = ctx.client();
        await ctx.prompts.confirm(`Remove agent ${id}? This cannot be undone.`, `remove agent ${id}`, ctx.opts<{ yes?: boolean }>().yes);
        await client.deleteAgent(id);
        ctx.out.success(`Removed agent ${id}`);
        if (ctx.json) ctx.out.data({ id, deleted: true }, () => "");
      }),
    );
}
