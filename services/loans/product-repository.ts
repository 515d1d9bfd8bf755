/**
 * The products table (migration 0006), the only code that reads or writes it. Writes take
 * the unit of work they are part of and store its events with them; plain SQL throughout.
 */
import type { Sequelize } from "sequelize";
import type { Product } from "../../sdk/contracts.js";
import { selectRows } from "../shared/sql.js";
import type { SqlTransactionWork } from "../shared/unit-of-work.js";
import type { ProductFields } from "./product-rules.js";

/** A product as stored: the contract's Product with its row id and the database's Dates. */
export type ProductRow = Omit<Product, "created_at" | "updated_at"> & { id: number; created_at: Date; updated_at: Date };

const COLUMNS = "id, code, name, active, min_principal, max_principal, min_tenure_months, max_tenure_months, rate_bands, disbursement_fee, penalty, created_at, updated_at";
const FIELDS = ["name", "min_principal", "max_principal", "min_tenure_months", "max_tenure_months", "rate_bands", "disbursement_fee", "penalty"] as const satisfies readonly (keyof ProductFields)[];
const JSON_FIELDS: readonly string[] = ["rate_bands", "disbursement_fee", "penalty"];

/** A field's value as a parameter: JSONB columns as their JSON text (pg would send an array as a PostgreSQL array). */
const param = (field: string, value: unknown): unknown => (JSON_FIELDS.includes(field) && value !== null ? JSON.stringify(value) : value);

/** Serialises the checks of "the last active product" (deactivation, `active: false`). */
const ACTIVE_LOCK = "SELECT pg_advisory_xact_lock(hashtext('loanstack.products.active'))";

export function toProduct(row: ProductRow): Product {
  const { id: _id, ...product } = row;
  return { ...product, created_at: new Date(row.created_at).toISOString(), updated_at: new Date(row.updated_at).toISOString() };
}

export class ProductRepository {
  constructor(private readonly db: Sequelize) {}

  async byCode(code: string): Promise<ProductRow | null> {
    const [row] = await selectRows<ProductRow>(this.db, `SELECT ${COLUMNS} FROM products WHERE code = $1`, [code]);
    return row ?? null;
  }

  /** A page, by code; `active` filters when given. */
  async page(active: boolean | undefined, limit: number, offset: number): Promise<{ rows: ProductRow[]; total: number }> {
    const where = active === undefined ? "" : " WHERE active = $3";
    const values: unknown[] = active === undefined ? [limit, offset] : [limit, offset, active];
    const rows = await selectRows<ProductRow & { total: string }>(this.db, `SELECT ${COLUMNS}, count(*) OVER () AS total FROM products${where} ORDER BY code LIMIT $1 OFFSET $2`, values);
    if (rows.length > 0) return { rows: rows.map(({ total: _t, ...r }) => r), total: Number(rows[0]!.total) };
    const [count] = await selectRows<{ total: string }>(this.db, `SELECT count(*) AS total FROM products${active === undefined ? "" : " WHERE active = $1"}`, active === undefined ? [] : [active]);
    return { rows: [], total: Number(count?.total ?? 0) };
  }

  /**
   * Inserts the product unless its code is taken (null then, nothing written). Not the
   * events: the work stores those it publishes after this, before it commits.
   */
  async insert(work: SqlTransactionWork, code: string, fields: ProductFields, active = true): Promise<ProductRow | null> {
    const values: unknown[] = [code, active, ...FIELDS.map((f) => param(f, fields[f]))];
    const [row] = await work.sql.rows<ProductRow>(
      `INSERT INTO products (code, active, ${FIELDS.join(", ")}) VALUES ($1, $2, ${FIELDS.map((_, i) => `$${i + 3}`).join(", ")})
       ON CONFLICT (code) DO NOTHING RETURNING ${COLUMNS}`,
      values,
    );
    return row ?? null;
  }

  /** The product's row FOR UPDATE; with `active` checks to come, after the lock on activity. */
  async lock(work: SqlTransactionWork, code: string, forActivity: boolean): Promise<ProductRow | null> {
    if (forActivity) await work.sql.rows(ACTIVE_LOCK, []);
    const [row] = await work.sql.rows<ProductRow>(`SELECT ${COLUMNS} FROM products WHERE code = $1 FOR UPDATE`, [code]);
    return row ?? null;
  }

  /** How many active products there are besides `code` (under the activity lock). */
  async otherActive(work: SqlTransactionWork, code: string): Promise<number> {
    const [row] = await work.sql.rows<{ n: string }>("SELECT count(*) AS n FROM products WHERE active AND code <> $1", [code]);
    return Number(row?.n ?? 0);
  }

  async update(work: SqlTransactionWork, code: string, fields: ProductFields, active: boolean, updatedAt: Date): Promise<ProductRow> {
    const values: unknown[] = [code, active, updatedAt, ...FIELDS.map((f) => param(f, fields[f]))];
    const [row] = await work.sql.rows<ProductRow>(
      `UPDATE products SET active = $2, updated_at = $3, ${FIELDS.map((f, i) => `${f} = $${i + 4}`).join(", ")} WHERE code = $1 RETURNING ${COLUMNS}`,
      values,
    );
    if (!row) throw new Error(`product ${code} was not there to update`);
    return row;
  }
}
