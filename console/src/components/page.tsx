/** One page: its heading (focused after navigation, for screen readers) and the tab's title. */
import type { ComponentChildren } from "preact";
import { useEffect } from "preact/hooks";

export function Page(props: { title: string; children?: ComponentChildren }) {
  useEffect(() => {
    document.title = `${props.title} · loanstack console`;
  }, [props.title]);
  return (
    <>
      <h1 tabIndex={-1}>{props.title}</h1>
      {props.children}
    </>
  );
}

/** Moves focus to the new page's heading, so keyboard and screen-reader users start there. */
export function focusHeading(): void {
  requestAnimationFrame(() => document.querySelector<HTMLElement>("main h1")?.focus());
}
