/**
 * People: `users list|unlock` (admin), `users search|show` (admin; an agent finds and reads
 * customers, a customer shows themselves), `customers list` (agents, admins), `admins create` (admin).
 */
import type { Command } from "commander";
import type { Page, PageQuery, Role, User } from "../../sdk/index.js";
import { action } from "../action.js";
import { pageSize, positiveInt, role } from "../args.js";
import type { Context, Io } from "../context.js";
import { foundUsersTable, pageFooter, userRecord, usersTable } from "../views.js";
import { checkPassword } from "./auth.js";

export interface ListOptions {
  page?: number;
  pageSize?: number;
}

/** --page and --page-size, on every list. */
export function withPaging(command: Command): Command {
  return command.option("--page <n>", "which page", positiveInt).option("--page-size <n>", "rows per page (at most 100, default 20)", pageSize);
}

export function pageQuery(options: ListOptions): PageQuery {
  return { page: options.page, pageSize: options.pageSize };
}

export function printUsers(ctx: Context, page: Page<User>, empty: string): void {
  ctx.out.data(page, () => (page.rows.length === 0 ? "" : usersTable(page.rows, ctx.out.color)));
  if (page.rows.length === 0) ctx.out.info(empty);
  const footer = pageFooter(page, "users");
  if (footer) ctx.out.info(footer);
}

interface AdminOptions {
  email?: string;
  firstName?: string;
  lastName?: string;
}

export function registerUsers(program: Command, io: Io): void {
  const users = program.command("users").description("the accounts: list them, unlock one (admin); search them, show one (admin; an agent: customers)");
  withPaging(users.command("list").alias("ls").description("list all users, optionally of one role").option("--role <role>", "admin, agent or customer", role))
    .addHelpText("after", "\nExamples:\n  $ loanctl users list\n  $ loanctl users list --role agent --page 2\n")
    .action(
      action(io, async (ctx) => {
        const options = ctx.opts<ListOptions & { role?: Role }>();
        const page = await ctx.client().listUsers({ role: options.role, ...pageQuery(options) });
        printUsers(ctx, page, "No users found");
      }),
    );

  withPaging(
    users
      .command("search")
      .alias("find")
      .description('find people by part of a name, "first last" or an email, in any case (admin: every role; agent: customers)')
      .argument("<q>", "what to look for, 2 characters or more"),
  )
    .addHelpText("after", '\nExamples:\n  $ loanctl users search lovelace\n  $ loanctl users search "ada lov"\n  $ loanctl --json users search @example.com --page-size 100\n')
    .action(
      action(io, async (ctx, q: string) => {
        const page = await ctx.client().searchUsers(q, pageQuery(ctx.opts<ListOptions>()));
        ctx.out.data(page, () => (page.rows.length === 0 ? "" : foundUsersTable(page.rows, ctx.out.color)));
        if (page.rows.length === 0) ctx.out.info(`Nobody matches "${q.trim()}"`);
        const footer = pageFooter(page, "people");
        if (footer) ctx.out.info(footer);
      }),
    );

  users
    .command("show")
    .description("show one user (admin: anyone; agent: a customer; customer: yourself)")
    .argument("<user-id>", "the user's id", positiveInt)
    .addHelpText("after", "\nExamples:\n  $ loanctl users show 7\n  $ loanctl --json users show 7\n")
    .action(
      action(io, async (ctx, id: number) => {
        const user = await ctx.client().getUser(id);
        ctx.out.data(user, () => userRecord(user, ctx.out.color));
      }),
    );

  users
    .command("unlock")
    .description("clear a user's failed-login counts (after 10 failures in 15 minutes logins are refused): they can log in again at once")
    .argument("<user-id>", "the user's id", positiveInt)
    .addHelpText("after", "\nExample:\n  $ loanctl users unlock 7\n")
    .action(
      action(io, async (ctx, id: number) => {
        await ctx.client().clearLoginFailures(id);
        ctx.out.success(`Cleared the failed logins of user ${id}: unlocked`);
        if (ctx.json) ctx.out.data({ user_id: id, unlocked: true }, () => "");
      }),
    );

  const customers = program.command("customers").description("the customers loans are made for (agents, admins)");
  withPaging(customers.command("list").alias("ls").description("list the customers"))
    .addHelpText("after", "\nExamples:\n  $ loanctl customers list\n  $ loanctl --json customers list --page-size 100\n")
    .action(
      action(io, async (ctx) => {
        const page = await ctx.client().listCustomers(pageQuery(ctx.opts<ListOptions>()));
        printUsers(ctx, page, "No customers found");
      }),
    );

  const admins = program.command("admins").description("administrator accounts (admin)");
  admins
    .command("create")
    .description("create another admin; the password is prompted for (or read with --password-stdin)")
    .option("--email <email>", "the new admin's email")
    .option("--first-name <name>", "first name")
    .option("--last-name <name>", "last name")
    .option("--password-stdin", "read the new admin's password from stdin (one line)")
    .addHelpText("after", "\nExample:\n  $ loanctl admins create --email ops@example.com --first-name Olu --last-name Ade\n")
    .action(
      action(io, async (ctx) => {
        const options = ctx.opts<AdminOptions>();
        const client = ctx.client();
        const email = await ctx.prompts.text("Email", "--email", options.email);
        const firstName = await ctx.prompts.text("First name", "--first-name", options.firstName);
        const lastName = await ctx.prompts.text("Last name", "--last-name", options.lastName);
        const password = checkPassword(await ctx.prompts.password("Password of the new admin", { confirm: true }));
        const user = await client.createAdmin({ email, password, first_name: firstName, last_name: lastName });
        ctx.out.data(user, () => userRecord(user, ctx.out.color));
        ctx.out.success(`Created admin ${user.email} (id ${user.id})`);
      }),
    );
}
