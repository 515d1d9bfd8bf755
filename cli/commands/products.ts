/**
 * Loan products: `products list|show|create|update|deactivate`. Reading: admins and approved
 * agents; writing: admins. Create and update take the product's terms as flags (see --help).
 */
import { type Command, InvalidArgumentError } from "commander";
import type { ChargeKind, ProductCreateRequest, ProductUpdateRequest } from "../../sdk/index.js";
import { action } from "../action.js";
import { money, positiveInt, toMoney } from "../args.js";
import type { Context, Io } from "../context.js";
import { usageError } from "../errors.js";
import { productRecord, productsTable } from "../product-views.js";
import { pageFooter } from "../views.js";
import { type ListOptions, pageQuery, withPaging } from "./users.js";

type Band = { up_to: string | null; rate: string };
type Penalty = { grace_days: number; kind: ChargeKind; amount: string };

interface TermsOptions {
  name?: string;
  minPrincipal?: string;
  maxPrincipal?: string;
  minTenure?: number;
  maxTenure?: number;
  band?: Band[];
  feeFlat?: string;
  feePercent?: string;
  /** false with --no-fee. */
  fee?: boolean;
  penalty?: Penalty | false;
  activate?: boolean;
}

/** "500000:12.00" → a band up to 500000.00 at 12.00 %; ":14.00" → the last band, no bound. */
export function parseBand(value: string, previous: Band[] = []): Band[] {
  const match = /^\s*([^:]*):([^:]+)$/.exec(value);
  const rate = match ? toMoney(match[2]!) : undefined;
  const upTo = match && match[1]!.trim() !== "" ? toMoney(match[1]!) : null;
  if (!match || rate === undefined || upTo === undefined) throw new InvalidArgumentError('must be UP_TO:RATE like 500000:12.00, or :RATE for the last band (e.g. ":9.50")');
  return [...previous, { up_to: upTo, rate }];
}

/** "FLAT:200:5" → 200.00 flat after 5 grace days; "PERCENT:2.5:0" → 2.50 % of the unpaid installment, no grace. */
export function parsePenalty(value: string): Penalty {
  const match = /^\s*(flat|percent):([^:]+):(\d+)\s*$/i.exec(value);
  const amount = match ? toMoney(match[2]!) : undefined;
  if (!match || amount === undefined) throw new InvalidArgumentError("must be KIND:AMOUNT:GRACE_DAYS like FLAT:200:5 or PERCENT:2.50:3");
  return { kind: match[1]!.toUpperCase() as ChargeKind, amount, grace_days: Number(match[3]) };
}

/** The fields of the request the flags give (only those given). */
function termsOf(options: TermsOptions): ProductUpdateRequest {
  if (options.feeFlat !== undefined && options.feePercent !== undefined) throw usageError("give --fee-flat or --fee-percent, not both");
  const body: ProductUpdateRequest = {};
  if (options.name !== undefined) body.name = options.name;
  if (options.minPrincipal !== undefined) body.min_principal = options.minPrincipal;
  if (options.maxPrincipal !== undefined) body.max_principal = options.maxPrincipal;
  if (options.minTenure !== undefined) body.min_tenure_months = options.minTenure;
  if (options.maxTenure !== undefined) body.max_tenure_months = options.maxTenure;
  if (options.band && options.band.length > 0) body.rate_bands = options.band;
  if (options.feeFlat !== undefined) body.disbursement_fee = { kind: "FLAT", amount: options.feeFlat };
  else if (options.feePercent !== undefined) body.disbursement_fee = { kind: "PERCENT", amount: options.feePercent };
  else if (options.fee === false) body.disbursement_fee = null;
  if (options.penalty === false) body.penalty = null;
  else if (options.penalty) body.penalty = options.penalty;
  return body;
}

/** The flags of a product's terms, on create and update. */
function withTerms(command: Command): Command {
  return command
    .option("--name <name>", "the product's name")
    .option("--min-principal <amount>", "the smallest principal (at least 1000.00)", money)
    .option("--max-principal <amount>", "the largest principal (at most 10000000.00)", money)
    .option("--min-tenure <months>", "the shortest tenure in months (1-360)", positiveInt)
    .option("--max-tenure <months>", "the longest tenure in months (1-360)", positiveInt)
    .option("--band <up_to:rate>", "a rate band, repeated in ascending order; the last is :RATE (no bound)", (v: string, prev: Band[]) => parseBand(v, prev), [])
    .option("--fee-flat <amount>", "a disbursement fee of this amount", money)
    .option("--fee-percent <rate>", "a disbursement fee of this percent of the principal (half-up to cents)", money)
    .option("--no-fee", "no disbursement fee")
    .option("--penalty <kind:amount:grace>", "a penalty per late installment: FLAT:200:5 or PERCENT:2.50:3 (grace days after the due date)", parsePenalty)
    .option("--no-penalty", "no penalty");
}

async function show(ctx: Context, code: string): Promise<void> {
  const product = await ctx.client().getProduct(code);
  ctx.out.data(product, () => productRecord(product, ctx.out.color));
}

export function registerProducts(program: Command, io: Io): void {
  const products = program.command("products").description("loan products: bounds, rate bands, fee and penalty (admins write; approved agents read)");

  withPaging(products.command("list").alias("ls").description("list the loan products by code").option("--active", "only the active products").option("--inactive", "only the deactivated products"))
    .addHelpText("after", "\nExamples:\n  $ loanctl products list\n  $ loanctl products list --active\n  $ loanctl --json products list | jq -r '.rows[].code'\n")
    .action(
      action(io, async (ctx) => {
        const options = ctx.opts<ListOptions & { active?: boolean; inactive?: boolean }>();
        if (options.active && options.inactive) throw usageError("give --active or --inactive, not both");
        const active = options.active ? true : options.inactive ? false : undefined;
        const page = await ctx.client().listProducts({ active, ...pageQuery(options) });
        ctx.out.data(page, () => (page.rows.length === 0 ? "" : productsTable(page.rows, ctx.out.color)));
        if (page.rows.length === 0) ctx.out.info("No products found");
        const footer = pageFooter(page, "products");
        if (footer) ctx.out.info(footer);
      }),
    );

  products
    .command("show")
    .alias("view")
    .description("show one product")
    .argument("<code>", "the product's code, e.g. STANDARD")
    .addHelpText("after", "\nExample:\n  $ loanctl products show STANDARD\n")
    .action(action(io, show));

  withTerms(
    products
      .command("create")
      .description("create a product (admin); --name, the bounds and at least one --band are required")
      .argument("<code>", "its code: 2-32 of A-Z, 0-9, _ and -; never changes"),
  )
    .addHelpText(
      "after",
      "\nExamples:\n" +
        "  $ loanctl products create MICRO --name 'Micro loan' --min-principal 1000 --max-principal 50000 \\\n" +
        "      --min-tenure 3 --max-tenure 24 --band 10000:18.00 --band :16.00 --fee-percent 1.50 --penalty FLAT:200:5\n" +
        "  $ loanctl products create FLAT1 --name 'One rate' --min-principal 1000 --max-principal 100000 --min-tenure 1 --max-tenure 12 --band :12\n",
    )
    .action(
      action(io, async (ctx, code: string) => {
        const options = ctx.opts<TermsOptions>();
        const terms = termsOf(options);
        const required: [string, unknown][] = [
          ["--name", terms.name],
          ["--min-principal", terms.min_principal],
          ["--max-principal", terms.max_principal],
          ["--min-tenure", terms.min_tenure_months],
          ["--max-tenure", terms.max_tenure_months],
          ["--band", terms.rate_bands],
        ];
        const missing = required.filter(([, v]) => v === undefined).map(([flag]) => flag);
        if (missing.length > 0) throw usageError(`missing ${missing.join(", ")}`);
        const product = await ctx.client().createProduct({ code, ...terms } as ProductCreateRequest);
        ctx.out.data(product, () => productRecord(product, ctx.out.color));
        ctx.out.success(`Created product ${product.code}`);
      }),
    );

  withTerms(
    products
      .command("update")
      .description("change a product (admin): any flag given; the code never changes. Loans already made keep their terms")
      .argument("<code>", "the product's code")
      .option("--activate", "reactivate a deactivated product"),
  )
    .addHelpText(
      "after",
      "\nExamples:\n  $ loanctl products update MICRO --band 10000:17.50 --band :15.00\n  $ loanctl products update MICRO --no-fee --no-penalty\n  $ loanctl products update MICRO --activate\n",
    )
    .action(
      action(io, async (ctx, code: string) => {
        const options = ctx.opts<TermsOptions>();
        const body = termsOf(options);
        if (options.activate) body.active = true;
        if (Object.keys(body).length === 0) throw usageError("nothing to change: give at least one flag (see --help)");
        const product = await ctx.client().updateProduct(code, body);
        ctx.out.data(product, () => productRecord(product, ctx.out.color));
        ctx.out.success(`Updated product ${product.code}`);
      }),
    );

  products
    .command("deactivate")
    .description("deactivate a product (admin): no new loans with it; its loans are unaffected")
    .argument("<code>", "the product's code")
    .addHelpText("after", "\nExample:\n  $ loanctl products deactivate MICRO\n  (reactivate with: loanctl products update MICRO --activate)\n")
    .action(
      action(io, async (ctx, code: string) => {
        await ctx.client().deactivateProduct(code);
        ctx.out.success(`Deactivated product ${code}`);
        if (ctx.json) ctx.out.data({ code, active: false }, () => "");
      }),
    );
}
