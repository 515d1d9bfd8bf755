/** The console's pages, under /admin: one place for every link and route. */
import type { Role } from "../../../sdk/index.js";

export const BASE = "/admin";

export const paths = {
  dashboard: BASE,
  approvals: `${BASE}/approvals`,
  loans: `${BASE}/loans`,
  loan: (id: number | string) => `${BASE}/loans/${id}`,
  newLoan: `${BASE}/new-loan`,
  users: `${BASE}/users`,
  /** A person's page: a customer's loans, an agent's loans and lending limit. */
  person: (id: number | string) => `${BASE}/users/${id}`,
  search: `${BASE}/search`,
  audit: `${BASE}/audit`,
  customers: `${BASE}/customers`,
  products: `${BASE}/products`,
  closeOfBusiness: `${BASE}/close-of-business`,
  ledger: `${BASE}/ledger`,
};

/** A path with its query, leaving out what is empty or the default. */
export function withQuery(path: string, query: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== "" && !(key === "page" && Number(value) === 1)) params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** A positive page number from the query string, 1 otherwise. */
export function pageOf(query: Record<string, string>): number {
  const page = Number(query.page);
  return Number.isSafeInteger(page) && page > 0 ? page : 1;
}

export function oneOf<T extends string>(values: readonly T[], value: string | undefined): T | undefined {
  return values.find((v) => v === value);
}

export interface NavLink {
  label: string;
  href: string;
}

/** The navigation of each role (the SPEC's link names). */
export function navigationFor(role: Role): NavLink[] {
  if (role === "admin") {
    return [
      { label: "Dashboard", href: paths.dashboard },
      { label: "Approvals", href: paths.approvals },
      { label: "Loans", href: paths.loans },
      { label: "Users", href: paths.users },
      { label: "Products", href: paths.products },
      { label: "Close of business", href: paths.closeOfBusiness },
      { label: "Ledger", href: paths.ledger },
      { label: "Audit log", href: paths.audit },
    ];
  }
  return [
    { label: "Loans", href: paths.loans },
    { label: "Customers", href: paths.customers },
    { label: "New loan", href: paths.newLoan },
    { label: "Products", href: paths.products },
  ];
}
