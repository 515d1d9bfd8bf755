/**
 * What the loans service answers the ledger, a mixin: the disbursed loans' outstanding
 * principal (the reconciliation compares it with each loan's 1100 balance) and how many
 * events its outbox still holds for the ledger. Internal: not routed by the gateway.
 */
import type { Service } from "moleculer";
import type { ActionParams, ActionResult } from "../../sdk/contracts.js";
import { fromCents, toCents } from "../../domain/cents.js";
import type { AppContext } from "../shared/context.js";
import { defineMixin } from "../shared/schema.js";
import type { LoansThis } from "./loans-this.js";

export const ledgerFeed = defineMixin<Omit<LoansThis, keyof Service>>({
  actions: {
    outstandingPrincipals: {
      params: { after_id: { type: "number", integer: true, min: 0, optional: true, default: 0 }, limit: { type: "number", integer: true, min: 1, max: 10_000, optional: true, default: 1000 } },
      async handler(this: LoansThis, ctx: AppContext<ActionParams<"loans.outstandingPrincipals">>): Promise<ActionResult<"loans.outstandingPrincipals">> {
        const rows = await this.loans.outstandingPrincipals(ctx.params.after_id ?? 0, ctx.params.limit ?? 1000);
        return { rows: rows.map((r) => ({ loan_id: r.loan_id, outstanding_principal: fromCents(toCents(r.outstanding_principal)) })) };
      },
    },

    pendingEvents: {
      params: { consumer: { type: "string", min: 1, max: 64 } },
      async handler(this: LoansThis, ctx: AppContext<ActionParams<"loans.pendingEvents">>): Promise<ActionResult<"loans.pendingEvents">> {
        return { pending: await this.outbox.pendingFor(ctx.params.consumer) };
      },
    },
  },
});
