/** The frame of every page: skip link, header with the role's navigation and Sign out, main. */
import type { ComponentChildren } from "preact";
import { useLocation } from "preact-iso";
import type { User } from "../../../sdk/index.js";
import { fullName } from "../lib/format.js";
import { navigationFor, paths } from "../lib/paths.js";

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
        {props.user && (
          <div class="who">
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
