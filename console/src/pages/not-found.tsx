/** A page that does not exist, or that this role may not open. */
import type { Role } from "../../../sdk/index.js";
import { Page } from "../components/page.js";
import { paths } from "../lib/paths.js";

export function NotFound() {
  return (
    <Page title="Page not found">
      <p>
        There is no such page. Go back to the <a href={paths.dashboard}>start</a>.
      </p>
    </Page>
  );
}

export function NotAllowed(props: { role: Role }) {
  return (
    <Page title="Not allowed">
      <p>
        This page is for {props.role}s. Go back to the <a href={paths.dashboard}>start</a>.
      </p>
    </Page>
  );
}
