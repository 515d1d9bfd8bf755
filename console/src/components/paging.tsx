/** Previous / Next through a list's pages, with where one is, as links (they work without script too). */
import type { Page } from "../../../sdk/index.js";
import { plural } from "../lib/format.js";

export function Paging<T>(props: { page: Page<T>; noun: string; hrefOf: (page: number) => string }) {
  const { page, total, totalPages } = props.page;
  const last = Math.max(1, totalPages);
  return (
    <nav class="paging" aria-label={`Pages of ${props.noun}s`}>
      {page > 1 ? (
        <a href={props.hrefOf(page - 1)} rel="prev">
          Previous page
        </a>
      ) : (
        <span class="paging-disabled" aria-hidden="true">
          Previous page
        </span>
      )}
      <span class="paging-where">
        Page {Math.min(page, last)} of {last} · {plural(total, props.noun)}
      </span>
      {page < last ? (
        <a href={props.hrefOf(page + 1)} rel="next">
          Next page
        </a>
      ) : (
        <span class="paging-disabled" aria-hidden="true">
          Next page
        </span>
      )}
    </nav>
  );
}
