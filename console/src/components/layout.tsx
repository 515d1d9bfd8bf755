/** The frame of every page: skip link, header with the role's navigation and Sign out, main. */
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import type { User } from "../../../sdk/index.js";
import { fullName } from "../lib/format.js";
import { navigationFor, paths, withQuery } from "../lib/paths.js";

function isCurrent(href: string, path: string): boolean {
  if (href === paths.dashboard) return path === paths.dashboard;
  return path === href || path.startsWith(`${href}/`);
}

export function Layout(props: { user?: User; onSignOut?: () => void; busy?: boolean; children: ComponentChildren }) {
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to main content
      </a>
      <header class="banner">
        <span class="brand">loanstack</span>
        {props.user && <Navigation user={props.user} />}
        {props.user && <SearchBox />}
        {props.user && (
          <div class="who">
            {props.user.role === "admin" && (
              <a class="docs-link" href="/docs">
                API docs
              </a>
            )}
            <span>
              {fullName(props.user)} <span class="muted">({props.user.role})</span>
            </span>
            <button type="button" class="button button-secondary" disabled={props.busy} onClick={props.onSignOut}>
              Sign out
            </button>
          </div>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        {props.children}
      </main>
    </>
  );
}

function Navigation(props: { user: User }) {
  const { path } = useLocation();
  return (
    <nav aria-label="Main">
      <ul>
        {navigationFor(props.user.role).map((link) => (
          <li key={link.href}>
            <a href={link.href} aria-current={isCurrent(link.href, path) ? "page" : undefined}>
              {link.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/**
 * Search, in the header of every page: a number opens that loan; a name or an email (2
 * characters at least) lists the people it finds (the Search page).
 */
function SearchBox() {
  const { route, query, path } = useLocation();
  const [text, setText] = useState(path === paths.search ? (query.q ?? "") : "");
  function go(event: Event) {
    event.preventDefault();
    const q = text.trim();
    if (/^\d+$/.test(q)) route(paths.loan(Number(q)));
    else route(withQuery(paths.search, { q }));
  }
  return (
    <form class="search" role="search" aria-label="Loans and people" onSubmit={go}>
      <div class="inline-field">
        <label for="search">Search</label>
        <input id="search" type="search" name="q" autocomplete="off" placeholder="Loan id or name" value={text} onInput={(e) => setText(e.currentTarget.value)} />
      </div>
      <button type="submit" class="button button-secondary">
        Find
      </button>
    </form>
  );
}
