/**
 * Sessions: `sessions list|end <id>` for the signed-in user, `sessions end-all <user-id>` for
 * an admin (a lost laptop, a leaver). Ending a session stops its tokens on every gateway.
 */
import type { Command } from "commander";
import type { SessionInfo } from "../../sdk/index.js";
import { action } from "../action.js";
import { positiveInt } from "../args.js";
import type { Context, Io } from "../context.js";
import { type Column, renderTable, shortTime } from "../output.js";

const SESSION_COLUMNS: Column<SessionInfo>[] = [
  { header: "ID", value: (s) => s.id },
  { header: "CURRENT", value: (s) => (s.current ? "*" : ""), style: (s) => (s.current ? "green" : undefined) },
  { header: "STARTED (UTC)", value: (s) => shortTime(s.created_at) },
  { header: "LAST USED (UTC)", value: (s) => shortTime(s.last_used_at) },
  { header: "ADDRESS", value: (s) => s.ip ?? "-" },
  { header: "CLIENT", value: (s) => s.user_agent ?? "-" },
];

async function list(ctx: Context): Promise<void> {
  const sessions = await ctx.client().listSessions();
  ctx.out.data(sessions, () => renderTable(SESSION_COLUMNS, sessions.rows, ctx.out.color));
}

async function end(ctx: Context, id: string): Promise<void> {
  const client = ctx.client();
  const current = (await client.listSessions()).rows.find((s) => s.current)?.id;
  await client.endSession(id);
  // Ending this very session is a logout: nothing of it stays on this machine.
  if (id.toLowerCase() === current) ctx.store.remove();
  ctx.out.success(id.toLowerCase() === current ? `Ended session ${id}, this one: you are logged out` : `Ended session ${id}`);
  if (ctx.json) ctx.out.data({ id, ended: true, current: id.toLowerCase() === current }, () => "");
}

async function endAll(ctx: Context, userId: number): Promise<void> {
  const client = ctx.client();
  await ctx.prompts.confirm(`End every session of user ${userId}? They must log in again.`, `end the sessions of user ${userId}`, ctx.opts<{ yes?: boolean }>().yes);
  await client.endSessionsOf(userId);
  ctx.out.success(`Ended every session of user ${userId}`);
  if (ctx.json) ctx.out.data({ user_id: userId, ended: true }, () => "");
}

export function registerSessions(program: Command, io: Io): void {
  const sessions = program.command("sessions").description("your sessions (where you are logged in), and ending them");

  sessions
    .command("list")
    .alias("ls")
    .description("list your live sessions: when, from which address and client; * marks this one")
    .addHelpText("after", "\nExamples:\n  $ loanctl sessions list\n  $ loanctl --json sessions list | jq -r '.rows[].id'\n")
    .action(action(io, list));

  sessions
    .command("end")
    .description("end one of your sessions: its tokens stop working at once")
    .argument("<id>", "the session's id, as `sessions list` shows it")
    .addHelpText("after", "\nExample:\n  $ loanctl sessions end 3f2c9a4e-5b1d-4c8e-9f00-2a7b6c1d0e9f\n")
    .action(action(io, end));

  sessions
    .command("end-all")
    .description("end every session of a user (admin)")
    .argument("<user-id>", "the user's id", positiveInt)
    .option("-y, --yes", "do not ask for confirmation")
    .addHelpText("after", "\nExamples:\n  $ loanctl sessions end-all 7\n  $ loanctl sessions end-all 7 --yes\n")
    .action(action(io, endAll));
}
