/**
 * `loanctl audit list` (admin): the audit log, who did what to which user or loan, and when.
 */
import { type Command, InvalidArgumentError, Option } from "commander";
import { AUDIT_ENTITIES, type AuditEntity, type AuditEvent, type EventName } from "../../sdk/contracts.js";
import { action } from "../action.js";
import { positiveInt } from "../args.js";
import type { Io } from "../context.js";
import { type NameOf } from "../names.js";
import { type Column, renderTable, shortTime } from "../output.js";
import { pageFooter } from "../views.js";
import { type ListOptions, pageQuery, withPaging } from "./users.js";

interface AuditOptions extends ListOptions {
  entity?: AuditEntity;
  entityId?: number;
  event?: EventName;
}

/** The log's columns; `name` shows a user id (the actor, a user entity) with the name when known. */
const columns = (name: NameOf): Column<AuditEvent>[] => [
  { header: "ID", value: (e) => String(e.id), align: "right" },
  { header: "OCCURRED (UTC)", value: (e) => shortTime(e.occurred_at) },
  { header: "EVENT", value: (e) => e.event },
  { header: "ENTITY", value: (e) => `${e.entity} ${e.entity === "user" ? name(e.entity_id) : e.entity_id}` },
  { header: "BY", value: (e) => name(e.actor_id) },
];

function eventName(value: string): EventName {
  // the server checks the name against its list; here only its shape
  if (!/^[a-z]+\.[a-zA-Z]+$/.test(value)) throw new InvalidArgumentError("must be an event name like loan.decided");
  return value as EventName;
}

export function registerAudit(program: Command, io: Io): void {
  const audit = program.command("audit").description("the audit log of every change (admin)");
  withPaging(
    audit
      .command("list")
      .alias("ls")
      .description("list recorded events, oldest first")
      .addOption(new Option("--entity <entity>", "only events of users or loans").choices([...AUDIT_ENTITIES]))
      .option("--entity-id <id>", "only events of this user or loan", positiveInt)
      .option("--event <name>", "only this event, e.g. loan.decided", eventName),
  )
    .addHelpText("after", "\nExamples:\n  $ loanctl audit list --entity loan --entity-id 42\n  $ loanctl --json audit list --event agent.approved\n")
    .action(
      action(io, async (ctx) => {
        const options = ctx.opts<AuditOptions>();
        const page = await ctx.client().listAuditEvents({
          entity: options.entity,
          entity_id: options.entityId,
          event: options.event,
          ...pageQuery(options),
        });
        const name = await ctx.namesOf(page.rows.flatMap((e) => [e.actor_id, e.entity === "user" ? e.entity_id : null]));
        ctx.out.data(page, () => (page.rows.length === 0 ? "" : renderTable(columns(name), page.rows, ctx.out.color)));
        if (page.rows.length === 0) ctx.out.info("No events found");
        const footer = pageFooter(page, "events");
        if (footer) ctx.out.info(footer);
      }),
    );
}
