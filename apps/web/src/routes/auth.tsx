import { useState, type FormEvent } from "react";
import { Alert, ErrorAlert, Field } from "../components/ui";
import { errorData, errorMessage } from "../lib/errors";
import { Link } from "../lib/router";
import { trpc } from "../lib/trpc";

type Errors = Record<string, string>;
const firstErrors = (err: unknown): Errors => Object.fromEntries(Object.entries(errorData(err).fieldErrors ?? {}).map(([k, v]) => [k, v[0] ?? ""]));

/** An error message; one that ends "; sign in instead" (the account exists already) ends in a link to sign in. */
function AuthError({ message }: { message: string | null }) {
  const m = message ? /^(.*); sign in instead\.?$/.exec(message) : null;
  if (!m) return <ErrorAlert message={message} />;
  return (
    <Alert tone="error" role="alert">
      {m[1]}; <Link to="/signin">sign in</Link> instead.
    </Alert>
  );
}

/** The name over the form; it leads back to the home page (the landing page for a signed-out visitor). */
function Brand() {
  return (
    <Link to="/" className="brand" aria-label="photoreel home">
      <span className="brand-mark" aria-hidden="true" />
      photoreel
    </Link>
  );
}

export function SignIn({ notice, onSignedIn }: { notice: string | null; onSignedIn: () => void }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const signIn = trpc.auth.signIn.useMutation({ onSuccess: onSignedIn });
  const fields = signIn.error ? firstErrors(signIn.error) : {};
  const submit = (e: FormEvent) => {
    e.preventDefault();
    signIn.mutate({ email, password });
  };
  return (
    <main className="auth" id="main">
      <Brand />
      <div className="card">
        <h1 data-page-title tabIndex={-1}>Sign in</h1>
        {notice && !signIn.error && (
          <div className="alert alert-warn" role="status">
            {notice}
          </div>
        )}
        <ErrorAlert message={signIn.error && !Object.keys(fields).length ? errorMessage(signIn.error) : null} />
        <form onSubmit={submit} noValidate>
          <Field label="E-mail" error={fields.email}>
            {(p) => <input {...p} type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />}
          </Field>
          <Field label="Password" error={fields.password}>
            {(p) => <input {...p} type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />}
          </Field>
          <button type="submit" className="primary block" disabled={signIn.isPending}>
            {signIn.isPending ? "Signing in…" : "Sign in"}
          </button>
        </form>
      </div>
      <p className="switch">
        New here? <Link to="/signup">Create an account</Link>
      </p>
    </main>
  );
}

export function SignUp({ onSignedIn }: { onSignedIn: () => void }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const [step, setStep] = useState<"form" | "confirm">("form");
  const signIn = trpc.auth.signIn.useMutation({ onSuccess: onSignedIn });
  const confirm = trpc.auth.confirmSignUp.useMutation({ onSuccess: () => signIn.mutate({ email, password }) });
  const signUp = trpc.auth.signUp.useMutation({
    onSuccess: (r) => (r.confirmed ? signIn.mutate({ email, password }) : setStep("confirm")),
  });
  const err = signUp.error ?? confirm.error ?? signIn.error;
  const fields = err ? firstErrors(err) : {};
  const busy = signUp.isPending || confirm.isPending || signIn.isPending;

  if (step === "confirm") {
    return (
      <main className="auth" id="main">
        <Brand />
        <div className="card">
          <h1 data-page-title tabIndex={-1}>Confirm your e-mail</h1>
          <p className="muted">We sent a code to {email}. Enter it to finish creating your account.</p>
          <AuthError message={err && !fields.code ? errorMessage(err) : null} />
          <form onSubmit={(e) => (e.preventDefault(), confirm.mutate({ email, code }))} noValidate>
            <Field label="Confirmation code" error={fields.code}>
              {(p) => <input {...p} type="text" inputMode="numeric" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} />}
            </Field>
            <button type="submit" className="primary block" disabled={busy}>
              {busy ? "Confirming…" : "Confirm and sign in"}
            </button>
          </form>
        </div>
      </main>
    );
  }

  return (
    <main className="auth" id="main">
      <Brand />
      <div className="card">
        <h1 data-page-title tabIndex={-1}>Create your account</h1>
        <AuthError message={err && !Object.keys(fields).length ? errorMessage(err) : null} />
        <form onSubmit={(e) => (e.preventDefault(), signUp.mutate({ email, password }))} noValidate>
          <Field label="E-mail" error={fields.email}>
            {(p) => <input {...p} type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />}
          </Field>
          <Field label="Password" hint="At least 8 characters, with an upper-case letter, a lower-case letter and a digit." error={fields.password}>
            {(p) => <input {...p} type="password" autoComplete="new-password" required value={password} onChange={(e) => setPassword(e.target.value)} />}
          </Field>
          <button type="submit" className="primary block" disabled={busy}>
            {busy ? "Creating account…" : "Create account"}
          </button>
        </form>
      </div>
      <p className="switch">
        Already have an account? <Link to="/signin">Sign in</Link>
      </p>
    </main>
  );
}
