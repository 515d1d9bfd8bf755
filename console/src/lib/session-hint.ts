/**
 * Whether this browser signed in to the console (and has not signed out since): a flag in
 * localStorage, never a token. The session itself stays in its HttpOnly cookies, which no script
 * can see; without the flag a fresh load knows there is nothing to ask the server about, so a
 * signed-out browser's first page makes no request that answers 401 (an error in the console).
 */
const KEY = "loanstack-console";
const SIGNED_IN = "signed-in";

function storage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined; // storage disabled: the console then asks the server every time
  }
}

/** True unless this browser is known not to hold a session (no flag, storage working). */
export function maySignedIn(): boolean {
  const store = storage();
  return store === undefined || store.getItem(KEY) === SIGNED_IN;
}

export function rememberSignedIn(): void {
  storage()?.setItem(KEY, SIGNED_IN);
}

export function forgetSignedIn(): void {
  storage()?.removeItem(KEY);
}

/** The flag's key and value, for the tests that check nothing else is stored. */
export const SESSION_HINT = { key: KEY, value: SIGNED_IN };
