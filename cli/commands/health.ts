/**
 * `loanctl health`: whether the API answers and which services are up (no login needed).
 */
import type { Command } from "commander";
import { ServiceUnavailableError } from "../../sdk/errors.js";
import { action } from "../action.js";
import type { Io } from "../context.js";
import { CliError } from "../errors.js";
import { renderRecord } from "../output.js";

export function registerHealth(program: Command, io: Io): void {
  program
    .command("health")
    .description("check that the API answers and its services are up (exit 1 when degraded)")
    .addHelpText("after", "\nExamples:\n  $ loanctl health\n  $ loanctl --api-url http://loans.internal:8000 --json health\n")
    .action(
      action(io, async (ctx) => {
        try {
          const health = await ctx.client(false).health({ maxRetries: 0 });
          ctx.out.data({ api_url: ctx.apiUrl, ...health }, () =>
            renderRecord(
              [
                ["API", ctx.apiUrl],
                ["Status", health.status, health.status === "ok" ? "green" : "red"],
                ["Services", health.services.join(", ") || "-"],
              ],
              ctx.out.color,
            ),
          );
        } catch (error) {
          // a degraded system answers 503 with the services that are up
          if (!(error instanceof ServiceUnavailableError)) throw error;
          const data = error.data as { status?: string; services?: string[] } | undefined;
          const services = Array.isArray(data?.services) ? data.services : [];
          ctx.out.data({ api_url: ctx.apiUrl, status: "degraded", services }, () =>
            renderRecord(
              [
                ["API", ctx.apiUrl],
                ["Status", "degraded", "red"],
                ["Services", services.join(", ") || "-"],
              ],
              ctx.out.color,
            ),
          );
          throw new CliError(`the API at ${ctx.apiUrl} is degraded: only ${services.join(", ") || "no service"} answering`);
        }
      }),
    );
}
