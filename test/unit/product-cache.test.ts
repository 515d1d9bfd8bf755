import { ProductCache } from "../../services/loans/product-cache.js";
import type { ProductRow } from "../../services/loans/product-repository.js";

function row(code: string, name: string): ProductRow {
  const at = new Date("2026-01-15T09:00:00Z");
  return {
    id: 1,
    code,
    name,
    active: true,
    min_principal: "1000.00",
    max_principal: "2000.00",
    min_tenure_months: 1,
    max_tenure_months: 2,
    rate_bands: [{ up_to: null, rate: "1.00" }],
    disbursement_fee: null,
    penalty: null,
    created_at: at,
    updated_at: at,
  };
}

/** A table whose reads are counted, and may be held until released. */
function table() {
  const state = { name: "first", reads: 0, hold: null as Promise<void> | null };
  return {
    state,
    repo: {
      async byCode(code: string) {
        state.reads += 1;
        const name = state.name; // read when the query starts
        if (state.hold) await state.hold;
        return code === "NONE" ? null : row(code, name);
      },
    },
  };
}

test("a product is read once, then answered from memory; forgetting it reads it again", async () => {
  const { state, repo } = table();
  const cache = new ProductCache(repo);
  expect((await cache.byCode("A"))!.name).toBe("first");
  expect((await cache.byCode("A"))!.name).toBe("first");
  expect(state.reads).toBe(1);
  state.name = "second";
  cache.forget("A");
  expect((await cache.byCode("A"))!.name).toBe("second");
  cache.forget();
  await cache.byCode("A");
  expect(state.reads).toBe(3);
});

test("an unknown product is not kept; an entry expires after the TTL", async () => {
  const { state, repo } = table();
  const cache = new ProductCache(repo, 0);
  expect(await cache.byCode("NONE")).toBeNull();
  await cache.byCode("A");
  await cache.byCode("A");
  expect(state.reads).toBe(3);
});

test("a read that began before a change is answered but not kept", async () => {
  const { state, repo } = table();
  const cache = new ProductCache(repo);
  let release!: () => void;
  state.hold = new Promise<void>((resolve) => (release = resolve));
  const pending = cache.byCode("A");
  cache.forget("A"); // the product changed while the read was on its way
  state.name = "second";
  release();
  expect((await pending)!.name).toBe("first");
  state.hold = null;
  expect((await cache.byCode("A"))!.name).toBe("second");
});
