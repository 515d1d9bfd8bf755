/**
 * A table in a box of its own that scrolls sideways when the table is wider than the screen
 * (a phone): the page itself never scrolls sideways. The box takes the focus, so the keyboard
 * scrolls it too, and is named after the table.
 */
import type { ComponentChildren } from "preact";

export function TableBox(props: { label: string; children: ComponentChildren }) {
  return (
    <div class="table-scroll" role="group" aria-label={props.label} tabIndex={0}>
      {props.children}
    </div>
  );
}
