/**
 * Data for a page: loads when its inputs change, reloads on demand, drops answers that
 * arrive after newer ones, and sends a 401 to the sign-in page.
 */
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { isUnauthorized } from "./errors.js";
import { useSession } from "./session-context.js";

export type Resource<T> = { status: "loading"; data?: T } | { status: "ready"; data: T } | { status: "error"; error: unknown; data?: T };

export function useResource<T>(load: () => Promise<T>, inputs: unknown[]): [Resource<T>, () => void] {
  const { expired } = useSession();
  const [state, setState] = useState<Resource<T>>({ status: "loading" });
  const [revision, setRevision] = useState(0);
  const latest = useRef(0);

  useEffect(() => {
    const ticket = ++latest.current;
    // Keep showing what was there while the next answer comes (no flicker on paging).
    setState((previous) => ({ status: "loading", data: previous.data }));
    load().then(
      (data) => ticket === latest.current && setState({ status: "ready", data }),
      (error: unknown) => {
        if (ticket !== latest.current) return;
        if (isUnauthorized(error)) expired();
        setState((previous) => ({ status: "error", error, data: previous.data }));
      },
    );
    // The inputs are the dependencies: `load` is a new closure on every render.
  }, [...inputs, revision]);

  const reload = useCallback(() => setRevision((r) => r + 1), []);
  return [state, reload];
}
