/** How loanctl prints loan products: a table of many, a record of one. */
import type { DisbursementFeeRule, PenaltyRule, Product } from "../sdk/contracts.js";
import { type Column, renderRecord, renderTable, shortTime } from "./output.js";

export function feeText(fee: DisbursementFeeRule | null): string {
  if (!fee) return "none";
  return fee.kind === "FLAT" ? `${fee.amount} flat` : `${fee.amount} % of the principal`;
}

export function penaltyText(penalty: PenaltyRule | null): string {
  if (!penalty) return "none";
  const what = penalty.kind === "FLAT" ? `${penalty.amount} flat` : `${penalty.amount} % of the unpaid installment`;
  return `${what}, after ${penalty.grace_days} grace day(s)`;
}

/** "≤ 50000.00: 14.00 %, above: 9.50 %". */
export function bandsText(product: Pick<Product, "rate_bands">): string {
  return product.rate_bands.map((b) => (b.up_to === null ? `above: ${b.rate} %` : `≤ ${b.up_to}: ${b.rate} %`)).join(", ");
}

const PRODUCT_COLUMNS: Column<Product>[] = [
  { header: "CODE", value: (p) => p.code },
  { header: "NAME", value: (p) => p.name },
  { header: "ACTIVE", value: (p) => (p.active ? "yes" : "no"), style: (p) => (p.active ? "green" : "dim") },
  { header: "PRINCIPAL", value: (p) => `${p.min_principal}-${p.max_principal}` },
  { header: "TENURE", value: (p) => `${p.min_tenure_months}-${p.max_tenure_months}` },
  { header: "RATES", value: bandsText },
  { header: "FEE", value: (p) => feeText(p.disbursement_fee) },
];

export function productsTable(products: Product[], color: boolean): string {
  return renderTable(PRODUCT_COLUMNS, products, color);
}

export function productRecord(p: Product, color: boolean): string {
  return renderRecord(
    [
      ["Code", p.code],
      ["Name", p.name],
      ["Active", p.active ? "yes" : "no", p.active ? "green" : "dim"],
      ["Principal", `${p.min_principal} to ${p.max_principal}`],
      ["Tenure", `${p.min_tenure_months} to ${p.max_tenure_months} months`],
      ["Rate bands", bandsText(p)],
      ["Disbursement fee", feeText(p.disbursement_fee)],
      ["Penalty", penaltyText(p.penalty)],
      ["Created (UTC)", shortTime(p.created_at)],
      ["Updated (UTC)", shortTime(p.updated_at)],
    ],
    color,
  );
}
