/**
 * The products as the request path reads them: kept in this instance's memory, so a loan
 * request stays one statement and an edit gains no round trip (test/service/round-trips).
 * A product change forgets its entry here at once and, by a broadcast, on every other loans
 * instance; entries also expire after a minute, should a broadcast be lost. A read that began
 * before a change is not kept (the generation moved on), so a stale row never outlives it.
 */
import type { ProductRepository, ProductRow } from "./product-repository.js";

/** Broadcast to every loans instance when a product changed: `{ code }`, or nothing for all. */
export const PRODUCTS_CACHE_EVENT = "cache.clean.products";
const TTL_MS = 60_000;

export class ProductCache {
  private readonly entries = new Map<string, { row: ProductRow; at: number }>();
  private generation = 0;

  constructor(
    private readonly products: Pick<ProductRepository, "byCode">,
    private readonly ttlMs = TTL_MS,
  ) {}

  async byCode(code: string): Promise<ProductRow | null> {
    const hit = this.entries.get(code);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.row;
    const generation = this.generation;
    const row = await this.products.byCode(code);
    if (row && generation === this.generation) this.entries.set(code, { row, at: Date.now() });
    return row;
  }

  /** Forgets one product, or all of them. */
  forget(code?: string): void {
    this.generation += 1;
    if (code === undefined) this.entries.clear();
    else this.entries.delete(code);
  }
}
