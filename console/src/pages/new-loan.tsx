/**
 * New loan (agent): Customer, Product, Principal, Tenure (months); the product's bounds and
 * fee, and the rate and EMI by its bands, show before sending; Request loan. A 422 shows next to its field and in the summary above the form.
 */
import { useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { paginate, type Page as ListPage, type PageQuery, type User } from "../../../sdk/index.js";
import { describedBy, Field } from "../components/field.js";
import { ErrorSummary, Loading } from "../components/messages.js";
import { Page } from "../components/page.js";
import { initialProduct, ProductSelect, useActiveProducts } from "../components/product-select.js";
import { TermsFields } from "../components/terms-fields.js";
import { useFieldForm } from "../lib/form-submit.js";
import { setFlash } from "../lib/flash.js";
import { fullName, money } from "../lib/format.js";
import { handler } from "../lib/handler.js";
import { paths } from "../lib/paths.js";
import { useResource } from "../lib/resource.js";
import { useSession } from "../lib/session-context.js";
import { tenureValue } from "../lib/terms.js";

/** The form's inputs by the API's field names. */
const FIELD_IDS: Record<string, string> = { customer_id: "customer", product_code: "product", principal: "new-principal", tenure_months: "new-tenure" };
/** Enough for a branch's customers; past it, the select lists the first ones only. */
const MAX_CUSTOMERS = 1000;

async function allCustomers(list: (query: PageQuery) => Promise<ListPage<User>>): Promise<User[]> {
  const customers: User[] = [];
  for await (const user of paginate(list)) {
    customers.push(user);
    if (customers.length >= MAX_CUSTOMERS) break;
  }
  return customers;
}

export function NewLoan() {
  const { client, session } = useSession();
  const { query, route } = useLocation();
  // What the agent may still lend: a request above it is refused (422 by Principal).
  const [limit] = useResource(() => client.getAgentLimit(session.user.id), []);
  const [customers] = useResource(() => allCustomers((q) => client.listCustomers(q)), []);
  const products = useActiveProducts();
  const [customer, setCustomer] = useState(query.customer ?? "");
  const [chosenProduct, setProduct] = useState<string | undefined>(undefined);
  const [principal, setPrincipal] = useState("");
  const [tenure, setTenure] = useState("");
  const [failure, setFailure] = useState<unknown>(undefined);
  const productList = products.data ?? [];
  // Until a product is chosen, the one the page was opened for (?product=), else STANDARD.
  const productCode = chosenProduct ?? initialProduct(productList, query.product);
  const product = productList.find((p) => p.code === productCode);
  const { errors, setErrors, busy, send } = useFieldForm(setFailure);

  function localErrors(): Record<string, string> {
    const found: Record<string, string> = {};
    if (!customer) found.customer_id = "Choose the customer the loan is for";
    if (!productCode) found.product_code = "Choose the loan's product";
    if (tenureValue(tenure) === undefined) found.tenure_months = "Enter the tenure as a whole number of months";
    return found;
  }

  async function submit(event: Event) {
    event.preventDefault();
    setFailure(undefined);
    const found = localErrors();
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    await send(async () => {
      const loan = await client.requestLoan({ customer_id: Number(customer), product_code: productCode, principal: principal.trim(), tenure_months: tenureValue(tenure)! });
      setFlash(`Loan ${loan.id} requested: it waits for an admin's decision.`);
      route(paths.loan(loan.id));
    });
  }

  const summary = Object.entries(errors).map(([field, message]) => ({ id: FIELD_IDS[field] ?? "new-principal", message }));
  return (
    <Page title="New loan">
      <ErrorSummary error={failure} fields={summary} message={summary.length > 0 ? "The loan was not requested:" : undefined} />
      {limit.data && (
        <p class="lending-limit" id="lending-limit">
          You can lend <strong>{money(limit.data.available)}</strong> more: your lending limit is {money(limit.data.limit)}, your open loans use {money(limit.data.used)}.
        </p>
      )}
      {customers.status === "error" && <ErrorSummary error={customers.error} />}
      {products.status === "error" && <ErrorSummary error={products.error} />}
      {(!customers.data || !products.data) && (customers.status === "loading" || products.status === "loading") && <Loading what="the customers and products" />}
      {customers.data && products.data && (
        <form class="form" onSubmit={handler(submit)} noValidate>
          <Field id="customer" label="Customer" error={errors.customer_id}>
            <select
              id="customer"
              name="customer_id"
              value={customer}
              aria-invalid={errors.customer_id ? true : undefined}
              aria-describedby={describedBy("customer", false, errors.customer_id)}
              onChange={(e) => setCustomer(e.currentTarget.value)}
            >
              <option value="">Choose a customer</option>
              {customers.data.map((user) => (
                <option key={user.id} value={String(user.id)}>
                  {fullName(user)} ({user.email})
                </option>
              ))}
            </select>
          </Field>
          <ProductSelect id="product" products={productList} value={productCode} onChange={setProduct} error={errors.product_code} />
          <TermsFields idPrefix="new" product={product} principal={principal} tenure={tenure} onPrincipal={setPrincipal} onTenure={setTenure} errors={errors} />
          <button type="submit" class="button" disabled={busy}>
            Request loan
          </button>
        </form>
      )}
    </Page>
  );
}
