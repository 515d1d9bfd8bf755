/**
 * Accounts: signup, login, logout, whoami, passwd.
 */
import { Command, Option } from "commander";
import { PASSWORD_MAX, PASSWORD_MIN, type Role } from "../../sdk/contracts.js";
import type { Context, Io } from "../context.js";
import { DeviceStore, canRefresh, credentialsOf, isExpired, type StoredCredentials } from "../credentials.js";
import { usageError } from "../errors.js";
import { action } from "../action.js";
import { userRecord } from "../views.js";

/** The server's rule, checked before sending: 8 characters at least, 72 bytes (UTF-8) at most, as bcrypt reads. */
export function checkPassword(password: string): string {
  if ([...password].length < PASSWORD_MIN || Buffer.byteLength(password, "utf8") > PASSWORD_MAX) {
    throw usageError(`a password must have ${PASSWORD_MIN} to ${PASSWORD_MAX} characters (${PASSWORD_MAX} bytes in UTF-8)`);
  }
  return password;
}

const PASSWORD_STDIN = "read the password from stdin (one line) instead of prompting";

interface LoginOptions {
  email?: string;
}

interface SignupOptions {
  email?: string;
  firstName?: string;
  lastName?: string;
  role?: Role;
}

export async function login(ctx: Context, options: LoginOptions): Promise<void> {
  const previous = ctx.credentials;
  const email = await ctx.prompts.text("Email", "--email", options.email);
  const password = await ctx.prompts.password("Password");
  // This machine's device token for the account: others' failed guesses cannot lock it out.
  const devices = new DeviceStore(ctx.io.env);
  const result = await ctx.client(false).login({ email, password, device_token: devices.get(ctx.apiUrl, email) });
  const stored = credentialsOf(ctx.apiUrl, result);
  ctx.store.save(stored);
  devices.set(ctx.apiUrl, email, result.device_token);
  ctx.out.success(`Logged in to ${ctx.apiUrl} as ${result.user.email} (${result.user.role})`);
  if (previous && (await endSession(ctx, previous))) ctx.out.info(`Ended the previous session of ${previous.user.email}`);
  if (ctx.json) ctx.out.data({ api_url: ctx.apiUrl, user: result.user, expires_at: stored.expiresAt, session_expires_at: stored.refreshExpiresAt }, () => "");
}

/**
 * Ends a session this config held before a new login replaced it: a login forgotten on this
 * machine must not stay alive on the server. Best effort: an expired or already ended one is gone anyway.
 */
async function endSession(ctx: Context, previous: StoredCredentials): Promise<boolean> {
  try {
    await ctx.client(false, { token: previous.token, refreshToken: canRefresh(previous) ? previous.refreshToken : undefined }).logout();
    return true;
  } catch {
    return false;
  }
}

async function signup(ctx: Context, options: SignupOptions): Promise<void> {
  const email = await ctx.prompts.text("Email", "--email", options.email);
  const firstName = await ctx.prompts.text("First name", "--first-name", options.firstName);
  const lastName = await ctx.prompts.text("Last name", "--last-name", options.lastName);
  let role = options.role;
  if (!role) {
    const answer = (await ctx.prompts.text("Sign up as customer or agent", "--role", undefined)).toLowerCase();
    if (answer !== "customer" && answer !== "agent") throw usageError("--role must be customer or agent");
    role = answer;
  }
  const password = checkPassword(await ctx.prompts.password("Password", { confirm: true }));
  const user = await ctx.client(false).signup({
    email,
    password,
    first_name: firstName,
    last_name: lastName,
    is_customer: role === "customer",
    is_agent: role === "agent",
  });
  ctx.out.data(user, () => userRecord(user, ctx.out.color));
  if (user.role === "agent" && !user.is_approved) {
    ctx.out.success(`Signed up ${user.email} as an agent: an admin must approve the account before you can log in`);
  } else {
    ctx.out.success(`Signed up ${user.email} as a ${user.role}: log in with \`loanctl login --email ${user.email}\``);
  }
}

/** Ends the session on the server (its tokens stop working everywhere), then forgets it here. */
async function logout(ctx: Context): Promise<void> {
  const credentials = ctx.credentials;
  const usable = credentials !== undefined && (!isExpired(credentials) || canRefresh(credentials));
  let removed = false;
  try {
    if (usable) await ctx.client().logout();
  } finally {
    // The file goes whatever the server said: nothing of the session is kept on this machine.
    removed = ctx.store.remove();
  }
  if (removed) ctx.out.success(usable ? `Logged out of ${ctx.apiUrl}: the session is ended (removed ${ctx.store.file})` : `Logged out (removed ${ctx.store.file})`);
  else ctx.out.info("Not logged in");
  if (ctx.json) ctx.out.data({ logged_out: removed, session_ended: usable }, () => "");
}

async function whoami(ctx: Context): Promise<void> {
  const credentials = ctx.requireLogin();
  const user = await ctx.client().profile();
  ctx.out.data(user, () => userRecord(user, ctx.out.color));
  // The client may have renewed the token: the file tells the session's end as it is now.
  const now = ctx.store.load() ?? credentials;
  ctx.out.info(`Logged in to ${ctx.apiUrl} until ${now.refreshExpiresAt ?? now.expiresAt}${now.refreshExpiresAt ? " (renewed as it is used)" : ""}`);
}

async function passwd(ctx: Context): Promise<void> {
  const client = ctx.client();
  const current = await ctx.prompts.password("Current password");
  const next = checkPassword(await ctx.prompts.password("New password", { confirm: true }));
  await client.changePassword({ current_password: current, new_password: next });
  ctx.out.success("Password changed");
  if (ctx.json) ctx.out.data({ changed: true }, () => "");
}

export function registerAuth(program: Command, io: Io): void {
  program
    .command("signup")
    .description("create an account: a customer (approved at once) or an agent (waits for an admin)")
    .option("--email <email>", "the account's email")
    .option("--first-name <name>", "first name")
    .option("--last-name <name>", "last name")
    .addOption(new Option("--role <role>", "the kind of account").choices(["customer", "agent"]))
    .option("--password-stdin", PASSWORD_STDIN)
    .addHelpText(
      "after",
      "\nExamples:\n  $ loanctl signup --role agent --email ana@example.com --first-name Ana --last-name Diaz\n" +
        '  $ echo "$PASSWORD" | loanctl signup --role customer --email bo@example.com --first-name Bo --last-name Li --password-stdin\n',
    )
    .action(action(io, (ctx) => signup(ctx, ctx.opts<SignupOptions>())));

  program
    .command("login")
    .description("log in and keep the session's tokens in your config directory (file mode 0600); a session kept there before is ended")
    .option("--email <email>", "the account's email")
    .option("--password-stdin", PASSWORD_STDIN)
    .addHelpText("after", "\nExamples:\n  $ loanctl login --email admin@example.com\n" + "  $ loanctl login --email admin@example.com --password-stdin < password.txt\n")
    .action(action(io, (ctx) => login(ctx, ctx.opts<LoginOptions>())));

  program.command("logout").description("end the session on the server and forget the stored tokens").addHelpText("after", "\nExample:\n  $ loanctl logout\n").action(action(io, logout));

  program.command("whoami").description("show the signed-in user").addHelpText("after", "\nExamples:\n  $ loanctl whoami\n  $ loanctl whoami --json\n").action(action(io, whoami));

  program
    .command("passwd")
    .description("change your password (asks for the current one and the new one)")
    .option("--password-stdin", "read the current and the new password from stdin, one line each")
    .addHelpText("after", '\nExamples:\n  $ loanctl passwd\n  $ printf \'%s\\n%s\\n\' "$OLD" "$NEW" | loanctl passwd --password-stdin\n')
    .action(action(io, passwd));
}
