/**
 * An event handler that runs an async action. The DOM drops whatever a handler returns, so the
 * action's promise is let go on purpose: every async action of the console catches its own
 * failures and shows them on the page (an unforeseen one still reaches the browser's console).
 */
export function handler<A extends unknown[]>(action: (...args: A) => Promise<void>): (...args: A) => void {
  return (...args) => void action(...args);
}
