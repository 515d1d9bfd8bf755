/**
 * Search results (/admin/search?q=): the people whose name or email matches (GET
 * /api/v1/user/search, staff, 2 characters at least; agents find customers only), a page at a
 * time, each a link to their page. A number typed in the header's Search opens that loan instead.
 */
import { useLocation } from "preact-iso";
import { ErrorSummary, Loading } from "../components/messages.js";
import { Page } from "../components/page.js";
import { Paging } from "../components/paging.js";
import { fullName, when } from "../lib/format.js";
import { pageOf, paths, withQuery } from "../lib/paths.js";
import { useResource } from "../lib/resource.js";
import { searchPeople } from "../lib/search.js";
import { useSession } from "../lib/session-context.js";

export const MIN_SEARCH = 2;

export function SearchPage() {
  const { client, people } = useSession();
  const { query } = useLocation();
  const q = (query.q ?? "").trim();
  const page = pageOf(query);
  const enough = q.length >= MIN_SEARCH;
  const [found] = useResource(async () => {
    if (!enough) return null;
    const result = await searchPeople(client, q, { page });
    people.remember(result.rows);
    return result;
  }, [q, page]);
  const rows = found.data?.rows ?? [];
  return (
    <Page title={enough ? `Search: ${q}` : "Search"}>
      {!enough && <p>Type a loan id, or 2 characters at least of a name or an email, in Search above.</p>}
      {found.status === "error" && <ErrorSummary error={found.error} />}
      {enough && !found.data && found.status === "loading" && <Loading what="the results" />}
      {found.data && rows.length === 0 && <p>Nobody matches “{q}”.</p>}
      {rows.length > 0 && (
        <ul class="results" aria-label="People found">
          {rows.map((user) => (
            <li key={user.id}>
              <a href={paths.person(user.id)}>{fullName(user) || user.email}</a>{" "}
              <span class="muted">
                {user.role} · {user.email} · since {when(user.created_at)}
              </span>
            </li>
          ))}
        </ul>
      )}
      {found.data && found.data.total > 0 && <Paging page={found.data} noun="result" hrefOf={(p) => withQuery(paths.search, { q, page: p })} />}
    </Page>
  );
}
