/**
 * How the console's forms send: busy while the call runs, a 422's fields shown by their
 * inputs, anything else (a 409, a 503) handed to `onFailed`.
 */
import { useState } from "preact/hooks";
import { fieldErrorsOf } from "./errors.js";

export function useFieldForm(onFailed: (error: unknown) => void) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  async function send(call: () => Promise<void>): Promise<void> {
    setBusy(true);
    setErrors({});
    try {
      await call();
    } catch (error) {
      const fields = fieldErrorsOf(error);
      if (Object.keys(fields).length > 0) setErrors(fields);
      else onFailed(error);
    } finally {
      setBusy(false);
    }
  }

  return { errors, setErrors, busy, send };
}
