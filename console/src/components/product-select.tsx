/**
 * The Product of a loan (New loan, Edit): the active products, and the chosen one's
 * principal and tenure bounds and fee, shown by the select (tied to it for screen readers).
 */
import { STANDARD_PRODUCT_CODE, type Product } from "../../../sdk/contracts.js";
import { feeText, principalBounds, tenureBounds } from "../lib/products.js";
import { useResource, type Resource } from "../lib/resource.js";
import { useSession } from "../lib/session-context.js";
import { describedBy, Field } from "./field.js";

/** The products a new loan may take: the active ones (a branch has a handful). */
export function useActiveProducts(): Resource<Product[]> {
  const { client } = useSession();
  const [products] = useResource(async () => (await client.listProducts({ active: true, pageSize: 100 })).rows, []);
  return products;
}

/** The product to start with: the one asked for if it is active, else STANDARD, else the first. */
export function initialProduct(products: Product[], wanted: string | undefined): string {
  const codes = products.map((p) => p.code);
  if (wanted && codes.includes(wanted)) return wanted;
  return codes.includes(STANDARD_PRODUCT_CODE) ? STANDARD_PRODUCT_CODE : (codes[0] ?? "");
}

export function ProductSelect(props: { id: string; products: Product[]; value: string; onChange: (code: string) => void; error?: string }) {
  const chosen = props.products.find((p) => p.code === props.value);
  const termsId = `${props.id}-terms`;
  const described = [describedBy(props.id, false, props.error), chosen ? termsId : ""].filter(Boolean).join(" ") || undefined;
  return (
    <Field id={props.id} label="Product" error={props.error}>
      <select
        id={props.id}
        name="product_code"
        class="input-medium"
        value={props.value}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={described}
        onChange={(e) => props.onChange(e.currentTarget.value)}
      >
        {!chosen && <option value="">Choose a product</option>}
        {props.products.map((product) => (
          <option key={product.code} value={product.code}>
            {product.name} ({product.code})
          </option>
        ))}
      </select>
      {chosen && <ProductTermsText id={termsId} product={chosen} />}
    </Field>
  );
}

function ProductTermsText(props: { id: string; product: Product }) {
  const { product } = props;
  return (
    <p class="product-terms" id={props.id}>
      Principal {principalBounds(product)} · Tenure {tenureBounds(product)} · Disbursement fee {feeText(product)}
    </p>
  );
}

/** A loan's product, named, with its terms: where the product is shown, not chosen (Edit). */
export function ProductTerms(props: { id: string; product: Product }) {
  return (
    <div class="field">
      <p class="product-name">
        Product <strong>{props.product.name}</strong> ({props.product.code})
      </p>
      <ProductTermsText id={props.id} product={props.product} />
    </div>
  );
}
