import { useState } from 'react';
import { useAuth } from '../auth';
import { ErrorBanner, Field, useSubmit } from '../ui';

export function LoginPage() {
  const { login } = useAuth();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const form = useSubmit(() => login(email.trim(), password));
  return (
    <main className="login" id="main">
      <form className="card login-card" onSubmit={form.submit} noValidate={false}>
        <h1>Sign in to CapConduit</h1>
        <ErrorBanner error={form.error} />
        <Field label="Email" error={form.fields.email}>
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              type="email"
              autoComplete="username"
              required
              maxLength={254}
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          )}
        </Field>
        <Field label="Password" error={form.fields.password}>
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              type="password"
              autoComplete="current-password"
              required
              maxLength={200}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
        </Field>
        <button type="submit" disabled={form.busy}>
          {form.busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
