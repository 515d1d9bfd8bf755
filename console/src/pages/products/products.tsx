/**
 * Products: every loan product, a page at a time, with its bounds, rate bands, fee, penalty
 * and whether it is active. Admins add (New product), edit, deactivate (after a confirm) and
 * reactivate; agents read the same table without the actions.
 */
import { useEffect, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import type { Product } from "../../../../sdk/contracts.js";
import { ConfirmDialog } from "../../components/confirm-dialog.js";
import { ErrorSummary, Loading, Notice } from "../../components/messages.js";
import { Page } from "../../components/page.js";
import { Paging } from "../../components/paging.js";
import { DownloadCsv } from "../../components/download-csv.js";
import { useSort } from "../../components/sortable.js";
import { handler } from "../../lib/handler.js";
import { bandText, feeText, penaltyText, principalBounds, tenureBounds } from "../../lib/products.js";
import { pageOf, paths, withQuery } from "../../lib/paths.js";
import { useResource } from "../../lib/resource.js";
import { useSession } from "../../lib/session-context.js";
import { ProductForm } from "./product-form.js";

/** What the form shows: nothing, a new product, or the product being edited. */
type Editing = { kind: "none" } | { kind: "new" } | { kind: "edit"; product: Product };

export function Products() {
  const { client, session } = useSession();
  const admin = session.user.role === "admin";
  const { query } = useLocation();
  const page = pageOf(query);
  const [list, reload] = useResource(() => client.listProducts({ page }), [page]);
  const [editing, setEditing] = useState<Editing>({ kind: "none" });
  const [deactivating, setDeactivating] = useState<Product | null>(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string>();
  const [error, setError] = useState<unknown>();

  // The form closed: the keyboard goes back to where it was opened from.
  const [returnTo, setReturnTo] = useState<string>();
  useEffect(() => {
    if (editing.kind === "none" && returnTo) document.getElementById(returnTo)?.focus();
  }, [editing]);

  function open(next: Editing, from: string) {
    setNotice(undefined);
    setError(undefined);
    setReturnTo(from);
    setEditing(next);
  }

  async function act(work: () => Promise<unknown>, done: string) {
    setBusy(true);
    setError(undefined);
    setNotice(undefined);
    try {
      await work();
      setNotice(done);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
      setDeactivating(null);
      reload();
    }
  }

  const { rows, header } = useSort(list.data?.rows ?? [], {
    code: (p) => p.code,
    name: (p) => p.name,
    principal: (p) => Number(p.min_principal),
    tenure: (p) => p.min_tenure_months,
    active: (p) => (p.active ? 0 : 1),
  });
  return (
    <Page title="Products">
      <Notice text={notice} />
      <ErrorSummary error={error ?? (list.status === "error" ? list.error : undefined)} />
      {admin && editing.kind === "none" && (
        <div class="action-panel page-actions">
          <button type="button" class="button" id="product-new" onClick={() => open({ kind: "new" }, "product-new")}>
            New product
          </button>
        </div>
      )}
      {editing.kind !== "none" && (
        <ProductForm
          key={editing.kind === "edit" ? editing.product.code : "new"}
          product={editing.kind === "edit" ? editing.product : undefined}
          onCancel={() => setEditing({ kind: "none" })}
          onSaved={(product, created) => {
            setNotice(created ? `Product ${product.code} created.` : `Product ${product.code} saved: loans requested or edited from now on take its new terms.`);
            setReturnTo(created ? "product-new" : `product-edit-${product.code}`);
            setEditing({ kind: "none" });
            reload();
          }}
        />
      )}
      {!list.data && list.status === "loading" && <Loading what="the products" />}
      {list.data && rows.length === 0 && <p>No product yet.</p>}
      {rows.length > 0 && (
        <DownloadCsv
          name={["products"]}
          columns={[
            { header: "code", value: (p: Product) => p.code },
            { header: "name", value: (p) => p.name },
            { header: "active", value: (p) => p.active },
            { header: "min_principal", value: (p) => p.min_principal },
            { header: "max_principal", value: (p) => p.max_principal },
            { header: "min_tenure_months", value: (p) => p.min_tenure_months },
            { header: "max_tenure_months", value: (p) => p.max_tenure_months },
            { header: "rate_bands", value: (p) => p.rate_bands.map(bandText).join("; ") },
            { header: "disbursement_fee", value: (p) => feeText(p) },
            { header: "penalty", value: (p) => penaltyText(p) },
          ]}
          pageOf={(p, pageSize) => client.listProducts({ page: p, pageSize })}
        />
      )}
      {rows.length > 0 && (
        <div class="table-scroll" role="region" aria-labelledby="products-caption" tabIndex={0}>
          <table class="products-table" aria-busy={list.status === "loading"}>
            <caption id="products-caption">Loan products</caption>
            <thead>
              <tr>
                {header("code", "Code")}
                {header("name", "Name")}
                {header("principal", "Principal")}
                {header("tenure", "Tenure")}
                <th scope="col">Rate bands</th>
                <th scope="col">Disbursement fee</th>
                <th scope="col">Penalty</th>
                {header("active", "Active")}
                {admin && <th scope="col">Actions</th>}
              </tr>
            </thead>
            <tbody>
              {rows.map((product) => (
                <tr key={product.code}>
                  <th scope="row" id={`product-${product.code}`}>
                    {product.code}
                  </th>
                  <td>{product.name}</td>
                  <td>{principalBounds(product)}</td>
                  <td>{tenureBounds(product)}</td>
                  <td>
                    <RateBands product={product} />
                  </td>
                  <td>{feeText(product)}</td>
                  <td>{penaltyText(product)}</td>
                  <td>{product.active ? "yes" : "no"}</td>
                  {admin && (
                    <td>
                      <div class="row-actions">
                        <button
                          type="button"
                          class="button button-secondary"
                          id={`product-edit-${product.code}`}
                          aria-describedby={`product-${product.code}`}
                          disabled={busy}
                          onClick={() => open({ kind: "edit", product }, `product-edit-${product.code}`)}
                        >
                          Edit
                        </button>
                        {product.active ? (
                          <button type="button" class="button button-warning" aria-describedby={`product-${product.code}`} disabled={busy} onClick={() => setDeactivating(product)}>
                            Deactivate
                          </button>
                        ) : (
                          <button
                            type="button"
                            class="button"
                            aria-describedby={`product-${product.code}`}
                            disabled={busy}
                            onClick={handler(() => act(() => client.updateProduct(product.code, { active: true }), `Product ${product.code} reactivated: new loans may take it again.`))}
                          >
                            Reactivate
                          </button>
                        )}
                      </div>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list.data && list.data.total > 0 && <Paging page={list.data} noun="product" hrefOf={(p) => withQuery(paths.products, { page: p })} />}
      {deactivating && (
        <ConfirmDialog
          title={`Deactivate ${deactivating.code}?`}
          confirmLabel="Deactivate"
          busy={busy}
          onCancel={() => setDeactivating(null)}
          onConfirm={handler(() => act(() => client.deactivateProduct(deactivating.code), `Product ${deactivating.code} deactivated: no new loan can take it; its loans are unaffected.`))}
        >
          <p>
            No new loan can take {deactivating.name} ({deactivating.code}) until it is reactivated. The loans that have it keep their terms.
          </p>
        </ConfirmDialog>
      )}
    </Page>
  );
}

/** One band a line; the separators are there for screen readers and the text of the cell. */
function RateBands(props: { product: Product }) {
  const bands = props.product.rate_bands;
  return (
    <>
      {bands.map((band, i) => (
        <span class="band" key={i}>
          {bandText(band)}
          {i < bands.length - 1 && <span class="visually-hidden">; </span>}
        </span>
      ))}
    </>
  );
}
