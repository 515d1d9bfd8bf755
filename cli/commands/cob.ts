/**
 * Close of business: `cob run|status`. A run goes on on the server; `cob run` follows its
 * progress until it is DONE or FAILED (Ctrl-C stops the watching, not the run).
 */
import type { Command } from "commander";
import type { CloseOfBusinessRun } from "../../sdk/contracts.js";
import type { LoanClient } from "../../sdk/index.js";
import { action } from "../action.js";
import { calendarDate, positiveInt } from "../args.js";
import type { Context, Io } from "../context.js";
import { CliError } from "../errors.js";
import { Progress } from "../progress.js";
import { cobRunRecord, cobRunsTable, runSummary } from "../transaction-views.js";
import { pageFooter } from "../views.js";
import { type ListOptions, pageQuery, withPaging } from "./users.js";

/** How often a running run's progress is read. */
export const POLL_MS = 500;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const penaltiesNote = (run: CloseOfBusinessRun): string => `${run.penalties_charged} ${run.penalties_charged === 1 ? "penalty" : "penalties"} charged`;

/** Reads the run until it ends, drawing its progress; answers the run as it ended. */
async function follow(client: LoanClient, started: CloseOfBusinessRun, progress: Progress): Promise<CloseOfBusinessRun> {
  let run = started;
  for (;;) {
    progress.update(run.loans_done, run.loans_total, penaltiesNote(run));
    if (run.status !== "RUNNING") return run;
    await sleep(POLL_MS);
    run = await client.closeOfBusiness(run.id);
  }
}

function printRun(ctx: Context, run: CloseOfBusinessRun): void {
  ctx.out.data(run, () => cobRunRecord(run, ctx.out.color));
}

export function registerCob(program: Command, io: Io): void {
  const cob = program.command("cob").description("close of business (admin): charge the penalties due by a business date");

  cob
    .command("run")
    .description("start close of business for a date and show its progress until it is DONE or FAILED")
    .option("--date <date>", "the business date, YYYY-MM-DD (default yesterday UTC; not in the future)", calendarDate)
    .option("--no-wait", "print the started run and return; follow it with `loanctl cob status <run-id>`")
    .addHelpText(
      "after",
      `
A run charges each installment's penalty once, whatever runs repeat or overlap; a run that
died half-way is finished by the next one for the same date. The exit status is 1 when the
run ends FAILED.

Examples:
  $ loanctl cob run
  $ loanctl cob run --date 2026-03-10
  $ loanctl --json cob run --no-wait | jq .id
`,
    )
    .action(
      action(io, async (ctx) => {
        const options = ctx.opts<{ date?: string; wait: boolean }>();
        const client = ctx.client();
        const started = await client.runCloseOfBusiness(options.date ? { business_date: options.date } : {});
        if (!options.wait) {
          printRun(ctx, started);
          ctx.out.success(`Started close of business ${started.business_date} (run ${started.id}): follow it with \`loanctl cob status ${started.id}\``);
          return;
        }
        ctx.out.info(`Started close of business ${started.business_date} (run ${started.id}); Ctrl-C stops watching, not the run`);
        const progress = new Progress(io.stderr, { label: `close of business ${started.business_date}`, total: started.loans_total, tty: io.stderr.isTTY === true, tally: "done" });
        const run = await follow(client, started, progress);
        progress.finish();
        printRun(ctx, run);
        if (run.status === "FAILED") throw new CliError(`${runSummary(run)}; run it again for the same date to finish the work`);
        ctx.out.success(runSummary(run));
      }),
    );

  withPaging(cob.command("status").description("show one run's progress, or the latest runs, newest first").argument("[run-id]", "the run's id (as `cob run` prints it)", positiveInt))
    .addHelpText("after", "\nExamples:\n  $ loanctl cob status\n  $ loanctl cob status 3\n  $ loanctl --json cob status 3 | jq .status\n")
    .action(
      action(io, async (ctx, id: number | undefined) => {
        const client = ctx.client();
        if (id !== undefined) {
          printRun(ctx, await client.closeOfBusiness(id));
          return;
        }
        const page = await client.listCloseOfBusiness(pageQuery(ctx.opts<ListOptions>()));
        ctx.out.data(page, () => (page.rows.length === 0 ? "" : cobRunsTable(page.rows, ctx.out.color)));
        if (page.rows.length === 0) ctx.out.info("No close of business has run yet: start one with `loanctl cob run`");
        const footer = pageFooter(page, "runs");
        if (footer) ctx.out.info(footer);
      }),
    );
}
