/**
 * Loan products, a mixin of the loans service: list, read, create, update, deactivate
 * (SPEC "Products and agent lending limits"). Admins write, admins and approved agents read.
 * Each change is one unit of work that publishes `product.changed` (the product before and
 * after) through the outbox. STANDARD is inserted at every start unless it exists, from
 * LOAN_RATE_TABLE: idempotent, and safe with several instances starting at once.
 */
import type { Context, Service } from "moleculer";
import { CHARGE_KINDS, PRINCIPAL_MAX, PRINCIPAL_MIN, STANDARD_PRODUCT_CODE, TENURE_MAX, TENURE_MIN, type ActionParams, type ActionResult, type Product } from "../../sdk/contracts.js";
import { callerOf, type AppContext } from "../shared/context.js";
import { ConflictError, NotFoundError } from "../shared/errors.js";
import { pageParams, pageWindow, toPage } from "../shared/pagination.js";
import { nameParam } from "../shared/params.js";
import { defineMixin } from "../shared/schema.js";
import { selectRows } from "../shared/sql.js";
import { toMoney } from "../../domain/loan-math.js";
import type { SqlTransactionWork } from "../shared/unit-of-work.js";
import type { LoansThis } from "./loans-this.js";
import { PRODUCTS_CACHE_EVENT, ProductCache } from "./product-cache.js";
import { ProductRepository, toProduct, type ProductRow } from "./product-repository.js";
import { GRACE_DAYS_MAX, productCodeParam, parseProductCreate, parseProductUpdate, type ProductFields } from "./product-rules.js";

interface ProductsVars {
  products: ProductRepository;
  /** Called from the loans service's `started`, once its database is connected. */
  startProducts(): Promise<void>;
  forgetProduct(code: string): void;
  changeProduct(ctx: AppContext, code: string, change: (current: ProductRow) => { fields: ProductFields; active: boolean }): Promise<Product>;
}
type ProductsThis = LoansThis & ProductsVars;
type Ctx<A extends "loans.listProducts" | "loans.getProduct" | "loans.createProduct" | "loans.updateProduct" | "loans.deactivateProduct"> = AppContext<ActionParams<A>>;

const decimal = { type: "string", pattern: /^\s*\d+(\.\d+)?\s*$/, messages: { stringPattern: "The '{field}' field must be a decimal amount like 250000.00." } } as const;
const moneyParam = { type: "multi", rules: [decimal, { type: "number", min: 0 }] } as const;
const tenure = { type: "number", integer: true, min: TENURE_MIN, max: TENURE_MAX, convert: true } as const;
/** A code no product could have is refused before the database sees it (a NUL would fail there). */
const codeParam = productCodeParam;
const codePathParam = productCodeParam;
const bandParam = { type: "object", props: { up_to: { ...moneyParam, nullable: true }, rate: moneyParam } } as const;
const feeParam = { type: "object", optional: true, nullable: true, props: { kind: { type: "enum", values: [...CHARGE_KINDS] }, amount: moneyParam } } as const;
const penaltyParam = {
  type: "object",
  optional: true,
  nullable: true,
  props: { grace_days: { type: "number", integer: true, min: 0, max: GRACE_DAYS_MAX }, kind: { type: "enum", values: [...CHARGE_KINDS] }, amount: moneyParam },
} as const;
const productFields = {
  name: nameParam,
  min_principal: moneyParam,
  max_principal: moneyParam,
  min_tenure_months: tenure,
  max_tenure_months: tenure,
  rate_bands: { type: "array", min: 1, max: 50, items: bandParam },
  disbursement_fee: feeParam,
  penalty: penaltyParam,
} as const;
const optionalFields = Object.fromEntries(Object.entries(productFields).map(([k, rule]) => [k, { ...rule, optional: true }]));

export const products = defineMixin<Omit<ProductsThis, keyof Service>>({
  actions: {
    listProducts: {
      access: ["admin", "agent"],
      params: { ...pageParams, active: { type: "boolean", convert: true, optional: true } },
      async handler(this: ProductsThis, ctx: Ctx<"loans.listProducts">): Promise<ActionResult<"loans.listProducts">> {
        const window = pageWindow(ctx.params);
        const { rows, total } = await this.products.page(ctx.params.active ?? undefined, window.limit, window.offset);
        return toPage(rows.map(toProduct), total, window);
      },
    },

    getProduct: {
      access: ["admin", "agent"],
      params: { code: codePathParam },
      async handler(this: ProductsThis, ctx: Ctx<"loans.getProduct">): Promise<ActionResult<"loans.getProduct">> {
        const row = await this.products.byCode(ctx.params.code);
        if (!row) throw new NotFoundError("product", ctx.params.code);
        return toProduct(row);
      },
    },

    createProduct: {
      access: ["admin"],
      params: { code: codeParam, ...productFields },
      async handler(this: ProductsThis, ctx: Ctx<"loans.createProduct">): Promise<ActionResult<"loans.createProduct">> {
        const { code, ...fields } = parseProductCreate(ctx.params);
        const product = await this.unitOfWork.run(ctx, async (work) => {
          const row = await this.products.insert(work, code, fields);
          if (!row) throw new ConflictError(`a product with code ${code} exists`, "PRODUCT_CODE_TAKEN", { code });
          const created = toProduct(row);
          work.publish("product.changed", { actor_id: callerOf(ctx).id, product_id: row.id, before: null, product: created });
          return created;
        });
        ctx.meta.$statusCode = 201;
        ctx.meta.$location = `/api/v1/loan/products/${product.code}`;
        return product;
      },
    },

    updateProduct: {
      access: ["admin"],
      params: { code: codePathParam, ...optionalFields, active: { type: "boolean", optional: true } },
      async handler(this: ProductsThis, ctx: Ctx<"loans.updateProduct">): Promise<ActionResult<"loans.updateProduct">> {
        const { code, active, ...sent } = ctx.params;
        return this.changeProduct(ctx, code, (current) => ({ fields: parseProductUpdate(current, sent), active: active ?? current.active }));
      },
    },

    deactivateProduct: {
      access: ["admin"],
      params: { code: codePathParam },
      async handler(this: ProductsThis, ctx: Ctx<"loans.deactivateProduct">): Promise<ActionResult<"loans.deactivateProduct">> {
        await this.changeProduct(ctx, ctx.params.code, (current) => ({ fields: current, active: false }));
        ctx.meta.$statusCode = 204;
        return null;
      },
    },
  },

  events: {
    // Every loans instance (this one included) forgets a product that changed (product-cache.ts).
    [PRODUCTS_CACHE_EVENT](this: ProductsThis, ctx: Context<{ code?: unknown } | null | undefined>) {
      const code = ctx.params?.code;
      this.productCache.forget(typeof code === "string" ? code : undefined);
    },
  },

  methods: {
    async startProducts(this: ProductsThis): Promise<void> {
      this.products = new ProductRepository(this.adapter.db);
      this.productCache = new ProductCache(this.products);
      const fields: ProductFields = {
        name: "Standard",
        min_principal: PRINCIPAL_MIN,
        max_principal: PRINCIPAL_MAX,
        min_tenure_months: TENURE_MIN,
        max_tenure_months: TENURE_MAX,
        rate_bands: this.config.rateTable.map((b) => ({ up_to: b.upTo === null ? null : toMoney(b.upTo), rate: toMoney(b.rate) })),
        disbursement_fee: null,
        penalty: null,
      };
      // ON CONFLICT DO NOTHING: a restart, or another instance that got there first, keeps theirs.
      await selectRows(
        this.adapter.db,
        `INSERT INTO products (code, name, min_principal, max_principal, min_tenure_months, max_tenure_months, rate_bands)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (code) DO NOTHING RETURNING id`,
        [STANDARD_PRODUCT_CODE, fields.name, fields.min_principal, fields.max_principal, fields.min_tenure_months, fields.max_tenure_months, JSON.stringify(fields.rate_bands)],
      );
      // Read once now: a request without a product then costs no read of it.
      await this.productCache.byCode(STANDARD_PRODUCT_CODE);
    },

    /**
     * The product under FOR UPDATE, `change` applied, written, and `product.changed`
     * published, in one unit of work. Taking a product out of the active ones (`active`
     * false) waits on the activity lock and is refused for the last active product: of two
     * concurrent deactivations of the last two, the second sees the first.
     */
    async changeProduct(this: ProductsThis, ctx: AppContext, code: string, change: (current: ProductRow) => { fields: ProductFields; active: boolean }): Promise<Product> {
      return this.unitOfWork
        .run(ctx, async (work: SqlTransactionWork) => {
          const current = await this.products.lock(work, code, true);
          if (!current) throw new NotFoundError("product", code);
          const next = change(current);
          if (current.active && !next.active && (await this.products.otherActive(work, code)) === 0) {
            throw new ConflictError(`product ${code} is the last active product: activate another before deactivating it`, "LAST_ACTIVE_PRODUCT", { code });
          }
          const row = await this.products.update(work, code, next.fields, next.active, new Date());
          const product = toProduct(row);
          work.publish("product.changed", { actor_id: callerOf(ctx).id, product_id: row.id, before: toProduct(current), product });
          return product;
        })
        .finally(() => this.forgetProduct(code));
    },

    /** Here at once, elsewhere by the broadcast: whatever the outcome (a failed COMMIT may still have committed). */
    forgetProduct(this: ProductsThis, code: string): void {
      this.productCache.forget(code);
      this.broker.broadcast(PRODUCTS_CACHE_EVENT, { code }).catch((err: unknown) => this.logger.warn("products cache broadcast failed:", err));
    },
  },
});
