/**
 * `loanctl seed`: demo data for trying loanstack and for benchmarks (needs an admin login).
 */
import type { Command } from "commander";
import { action } from "../action.js";
import { nonNegativeInt, positiveInt } from "../args.js";
import type { Io } from "../context.js";
import { CliError, EXIT, usageError } from "../errors.js";
import { renderTable } from "../output.js";
import { Progress } from "../progress.js";
import { checkPassword } from "./auth.js";

interface SeedCommandOptions {
  customers: number;
  agents: number;
  loans: number;
  concurrency: number;
  passwordStdin?: boolean;
}

export function registerSeed(program: Command, io: Io): void {
  program
    .command("seed")
    .description("create demo customers, agents (approved by you, an admin) and loans")
    .option("--customers <n>", "customers to create", nonNegativeInt, 10)
    .option("--agents <n>", "agents to create and approve", nonNegativeInt, 2)
    .option("--loans <n>", "loans to request, spread over the agents", nonNegativeInt, 20)
    .option("--concurrency <n>", "requests at a time", positiveInt, 4)
    .option("--password-stdin", "read the demo accounts' password from stdin (default: a random one, printed)")
    .addHelpText(
      "after",
      `
Signup and login are rate limited per address (RATE_LIMIT_AUTH_PER_MINUTE on the server,
60 a minute by default): a large seed waits when the server says so.

Examples:
  $ loanctl login --email admin@example.com
  $ loanctl seed --customers 50 --agents 5 --loans 200
  $ loanctl --json seed --customers 3 --agents 1 --loans 5 > demo.json
`,
    )
    .action(
      action(io, async (ctx) => {
        const options = ctx.opts<SeedCommandOptions>();
        const credentials = ctx.requireLogin();
        if (credentials.user.role !== "admin") {
          throw new CliError(`seed needs an admin's login (it approves the demo agents); you are ${credentials.user.email} (${credentials.user.role})`, EXIT.FAILED);
        }
        if (options.loans > 0 && options.agents === 0) throw usageError("--loans needs at least one agent: pass --agents 1 or more");
        const password = options.passwordStdin ? checkPassword(await ctx.prompts.password("Password")) : undefined;
        const progress = new Progress(io.stderr, { label: "seed", total: 0, tty: io.stderr.isTTY === true });
        // loaded when used, so every other command starts faster
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
        const { seed } = require("../seed.js") as typeof import("../seed.js");
        const result = await seed({
          anonymous: () => ctx.client(false, { maxRetryDelay: 0 }),
          admin: ctx.client(true, { maxRetryDelay: 0 }),
          apiUrl: ctx.apiUrl,
          customers: options.customers,
          agents: options.agents,
          loans: options.loans,
          concurrency: options.concurrency,
          progress,
          password,
        });
        ctx.out.data(result, () =>
          renderTable(
            [
              { header: "CREATED", value: (r: [string, string]) => r[0] },
              { header: "COUNT", value: (r) => r[1], align: "right" },
            ],
            [
              ["customers", String(result.customers.length)],
              ["agents", String(result.agents.length)],
              ["loans", String(result.loans.length)],
            ],
            ctx.out.color,
          ),
        );
        if (result.agents.length + result.customers.length > 0) {
          ctx.out.info(`Demo accounts: demo-${result.run}-{customer,agent}-N@example.com, password: ${result.password}`);
        }
        for (const error of result.errors) ctx.out.warn(error);
        if (result.stopped) throw new CliError(`seed stopped: ${result.stopped}`);
        if (result.failed > 0) throw new CliError(`${result.failed} of the seed's requests failed`);
        const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? "" : "s"}`;
        ctx.out.success(`Seeded ${count(result.customers.length, "customer")}, ${count(result.agents.length, "agent")}, ${count(result.loans.length, "loan")}`);
      }),
    );
}
