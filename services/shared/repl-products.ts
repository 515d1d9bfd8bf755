/** The operator REPL's `products [code]`: the loan products, or one product's terms. */
import type { ServiceBroker } from "moleculer";
import { PRODUCT_CODE_PATTERN, type Product } from "../../sdk/contracts.js";
import { ReplUsageError, call, formatTable } from "./repl-commands.js";

/** The most products one command lists: the actions' own page size limit. */
const PRODUCTS_PAGE_SIZE = 100;

const bands = (p: Product) => p.rate_bands.map((b) => `${b.up_to === null ? "above" : `<= ${b.up_to}`}: ${b.rate}`).join(", ");
const charge = (c: { kind: string; amount: string } | null) => (c ? (c.kind === "FLAT" ? `${c.amount} flat` : `${c.amount} %`) : "none");

export async function productsSummary(broker: ServiceBroker, rawCode?: string): Promise<string> {
  if (rawCode !== undefined && rawCode !== "") {
    const code = rawCode.trim();
    if (!new RegExp(PRODUCT_CODE_PATTERN).test(code)) throw new ReplUsageError(`usage: products [code], a product code such as STANDARD (got "${rawCode}")`);
    const p = await call(broker, "loans.getProduct", { code });
    return formatTable(
      ["FIELD", "VALUE"],
      [
        ["code", p.code],
        ["name", p.name],
        ["active", p.active ? "yes" : "no"],
        ["principal", `${p.min_principal} to ${p.max_principal}`],
        ["tenure (months)", `${p.min_tenure_months} to ${p.max_tenure_months}`],
        ["rate bands (%)", bands(p)],
        ["disbursement fee", charge(p.disbursement_fee)],
        ["penalty", p.penalty ? `${charge(p.penalty)} after ${p.penalty.grace_days} grace day(s)` : "none"],
      ],
    );
  }
  const page = await call(broker, "loans.listProducts", { page: 1, pageSize: PRODUCTS_PAGE_SIZE });
  if (page.total === 0) return "No products.";
  const shown = page.total > page.rows.length ? ` (first ${page.rows.length} shown)` : "";
  const table = formatTable(
    ["CODE", "NAME", "ACTIVE", "PRINCIPAL", "TENURE", "RATES (%)", "FEE"],
    page.rows.map((p) => [p.code, p.name, p.active ? "yes" : "no", `${p.min_principal}-${p.max_principal}`, `${p.min_tenure_months}-${p.max_tenure_months}`, bands(p), charge(p.disbursement_fee)]),
  );
  return `${page.total} product(s)${shown}:\n${table}`;
}
