/** Sign-in: Email, Password, Sign in; a failure is shown in an alert above the form. */
import { useState } from "preact/hooks";
import type { ConsoleSession } from "../../../sdk/contracts.js";
import { ErrorSummary } from "../components/messages.js";
import { Field } from "../components/field.js";
import { Page } from "../components/page.js";
import { handler } from "../lib/handler.js";
import { signIn } from "../lib/session.js";

export function SignIn(props: { onSignedIn: (session: ConsoleSession) => void; reason?: string }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      props.onSignedIn(await signIn({ email: email.trim(), password }));
    } catch (failure) {
      setError(failure);
      setPassword("");
    } finally {
      setBusy(false);
    }
  }

  return (
    <Page title="Sign in">
      {props.reason && error === undefined && <p class="notice">{props.reason}</p>}
      <ErrorSummary error={error} />
      <form class="form narrow" onSubmit={handler(submit)} noValidate>
        <Field id="email" label="Email">
          <input id="email" name="email" type="email" autocomplete="username" spellcheck={false} required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </Field>
        <Field id="password" label="Password">
          <input id="password" name="password" type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        </Field>
        <button type="submit" class="button" disabled={busy}>
          Sign in
        </button>
      </form>
    </Page>
  );
}
