/**
 * Agent lending limits (SPEC "Products and agent lending limits"): `limits list|show|set`.
 * An admin lists and sets them; an agent shows their own.
 */
import type { Command } from "commander";
import type { AgentLimit } from "../../sdk/index.js";
import { action } from "../action.js";
import { money, positiveInt } from "../args.js";
import type { Io } from "../context.js";
import { type NameOf, bareId } from "../names.js";
import { type Column, renderRecord, renderTable } from "../output.js";
import { pageFooter } from "../views.js";
import { type ListOptions, pageQuery, withPaging } from "./users.js";

const limitColumns = (name: NameOf): Column<AgentLimit>[] => [
  { header: "AGENT", value: (l) => name(l.agent_id) },
  { header: "LIMIT", value: (l) => l.limit, align: "right" },
  { header: "USED", value: (l) => l.used, align: "right" },
  { header: "AVAILABLE", value: (l) => l.available, align: "right", style: (l) => (l.available === "0.00" ? "red" : undefined) },
];

export function limitsTable(rows: AgentLimit[], color: boolean, name: NameOf = bareId): string {
  return renderTable(limitColumns(name), rows, color);
}

export function limitRecord(l: AgentLimit, color: boolean, name: NameOf = bareId): string {
  return renderRecord(
    [
      ["Agent", name(l.agent_id)],
      ["Limit", l.limit],
      ["Used", l.used],
      ["Available", l.available, l.available === "0.00" ? "red" : "green"],
    ],
    color,
  );
}

export function registerLimits(program: Command, io: Io): void {
  const limits = program.command("limits").description("agents' lending limits: what their open loans may reach (admin; an agent shows their own)");

  withPaging(limits.command("list").alias("ls").description("list the agents' lending limits, used and available (admin)"))
    .addHelpText("after", "\nExample:\n  $ loanctl limits list\n")
    .action(
      action(io, async (ctx) => {
        const page = await ctx.client().listAgentLimits(pageQuery(ctx.opts<ListOptions>()));
        const name = await ctx.namesOf(page.rows.map((l) => l.agent_id));
        ctx.out.data(page, () => (page.rows.length === 0 ? "" : limitsTable(page.rows, ctx.out.color, name)));
        if (page.rows.length === 0) ctx.out.info("No agent has a lending limit yet");
        const footer = pageFooter(page, "agents");
        if (footer) ctx.out.info(footer);
      }),
    );

  limits
    .command("show")
    .description("show an agent's lending limit, used and available (admin, or that agent)")
    .argument("<agent-id>", "the agent's user id", positiveInt)
    .addHelpText("after", "\nExample:\n  $ loanctl limits show 7\n")
    .action(
      action(io, async (ctx, id: number) => {
        const limit = await ctx.client().getAgentLimit(id);
        const name = await ctx.namesOf([limit.agent_id]);
        ctx.out.data(limit, () => limitRecord(limit, ctx.out.color, name));
      }),
    );

  limits
    .command("set")
    .description("set an agent's lending limit (admin); an approval's limit arriving later never overwrites it")
    .argument("<agent-id>", "the agent's user id", positiveInt)
    .argument("<amount>", "the new limit, e.g. 2000000", money)
    .addHelpText("after", "\nExample:\n  $ loanctl limits set 7 2000000\n")
    .action(
      action(io, async (ctx, id: number, amount: string) => {
        const limit = await ctx.client().setAgentLimit(id, { limit: amount });
        const name = await ctx.namesOf([limit.agent_id]);
        ctx.out.data(limit, () => limitRecord(limit, ctx.out.color, name));
        ctx.out.success(`Agent ${limit.agent_id}'s lending limit is ${limit.limit} (${limit.available} available)`);
      }),
    );
}
