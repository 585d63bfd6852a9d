import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api';
import type { Role } from '../../auth';
import { SaveError } from '../../conflict';
import { ErrorBanner, Field, money, useSubmit } from '../../ui';
import { checkMoney, MONEY_LIMITS } from '../../money';

/** A user as GET /api/users returns it. */
export interface User {
  id: number;
  email: string;
  name: string;
  role: Role;
  status: 'active' | 'disabled';
  balance: string;
  billing_rate_per_minute: string | null;
  /** Sent back with a change (If-Match): a save over someone else's newer one is refused. */
  version: number;
  created_at: string;
  updated_at: string;
}

export const ROLES: { value: Role; label: string; hint: string }[] = [
  { value: 'admin', label: 'Admin', hint: 'Everything, including users, settings and money' },
  {
    value: 'staff',
    label: 'Staff',
    hint: 'Runs clients, DIDs and campaigns; cannot manage users, settings or top-ups',
  },
  { value: 'seller', label: 'Seller', hint: 'Owns campaigns and DIDs; pays per billable minute' },
  { value: 'agent', label: 'Agent', hint: 'Dialer agent: caller IDs and call control' },
];

/** The API's rule for a rate (src/shared/money-limits.ts). */
const RATE = { max: MONEY_LIMITS.ratePerMinute, places: 6 };

function useInvalidateUsers() {
  const qc = useQueryClient();
  return () =>
    Promise.all([
      qc.invalidateQueries({ queryKey: ['/api/users'] }),
      // Sellers also appear in the balances list and the seller pickers built on it.
      qc.invalidateQueries({ queryKey: ['/api/balances'] }),
    ]);
}

interface Draft {
  name: string;
  email: string;
  role: Role;
  status: User['status'];
  rate: string;
  password: string;
}

function draftOf(user: User | null): Draft {
  return {
    name: user?.name ?? '',
    email: user?.email ?? '',
    role: user?.role ?? 'seller',
    status: user?.status ?? 'active',
    rate: user?.billing_rate_per_minute ?? '',
    password: '',
  };
}

/** Create (user = null) or edit a user's name, e-mail, role, status and billing rate. */
export function UserForm(props: {
  user: User | null;
  isSelf: boolean;
  onDone: (u: User) => void;
  onCancel: () => void;
}) {
  const { user } = props;
  const invalidate = useInvalidateUsers();
  const [f, setF] = useState<Draft>(() => draftOf(user));
  // The version these values came from: what a save tells the server it is changing.
  const [version, setVersion] = useState(user?.version);
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setF((s) => ({ ...s, [k]: v }));
  const form = useSubmit(
    async () => {
      if (f.rate.trim() !== '') checkMoney('billing_rate_per_minute', f.rate, RATE);
      const body: Record<string, unknown> = {
        name: f.name.trim(),
        email: f.email.trim(),
        role: f.role,
        billing_rate_per_minute: f.rate.trim() === '' ? null : f.rate.trim(),
      };
      if (!user) return api.post<User>('/api/users', { ...body, password: f.password });
      return api.patch<User>(`/api/users/${user.id}`, { ...body, status: f.status }, version);
    },
    (u) => {
      setVersion(u.version);
      void invalidate();
      props.onDone(u);
    },
  );
  const reload = async () => {
    if (!user) return;
    try {
      const fresh = await api.get<User>(`/api/users/${user.id}`);
      setF(draftOf(fresh));
      setVersion(fresh.version);
      form.setError(null);
      void invalidate();
    } catch (err) {
      form.setError(err);
    }
  };
  const e = form.fields;
  const roleHint = ROLES.find((r) => r.value === f.role)?.hint;
  return (
    <form className="stack" onSubmit={form.submit}>
      <SaveError error={form.error} what="user" onReload={reload} />
      <div className="form-grid" style={{ alignItems: 'start' }}>
        <Field label="Name" error={e.name}>
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              required
              maxLength={200}
              autoComplete="off"
              value={f.name}
              onChange={(ev) => set('name', ev.target.value)}
            />
          )}
        </Field>
        <Field label="Email" error={e.email} hint="Used to sign in">
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              type="email"
              required
              maxLength={254}
              autoComplete="off"
              value={f.email}
              onChange={(ev) => set('email', ev.target.value)}
            />
          )}
        </Field>
        <Field label="Role" error={e.role} hint={roleHint}>
          {(id, d) => (
            <select
              id={id}
              aria-describedby={d}
              value={f.role}
              disabled={props.isSelf}
              onChange={(ev) => set('role', ev.target.value as Role)}
            >
              {ROLES.map((r) => (
                <option key={r.value} value={r.value}>
                  {r.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        {user && (
          <Field
            label="Status"
            error={e.status}
            hint={
              props.isSelf ? 'You cannot disable your own account' : 'Disabling signs the user out everywhere'
            }
          >
            {(id, d) => (
              <select
                id={id}
                aria-describedby={d}
                value={f.status}
                disabled={props.isSelf}
                onChange={(ev) => set('status', ev.target.value as User['status'])}
              >
                <option value="active">Active</option>
                <option value="disabled">Disabled</option>
              </select>
            )}
          </Field>
        )}
        {f.role === 'seller' && (
          <Field
            label="Billing rate per minute (USD)"
            error={e.billing_rate_per_minute}
            hint={`Empty = the default rate from Settings; at most ${RATE.max} with up to 6 decimal places`}
          >
            {(id, d) => (
              <input
                id={id}
                aria-describedby={d}
                inputMode="decimal"
                placeholder="0.0500"
                value={f.rate}
                onChange={(ev) => set('rate', ev.target.value)}
              />
            )}
          </Field>
        )}
        {!user && (
          <Field label="Password" error={e.password} hint="8 to 200 characters; give it to the user safely">
            {(id, d) => (
              <input
                id={id}
                aria-describedby={d}
                type="password"
                required
                minLength={8}
                maxLength={200}
                autoComplete="new-password"
                value={f.password}
                onChange={(ev) => set('password', ev.target.value)}
              />
            )}
          </Field>
        )}
      </div>
      {user && user.role === 'seller' && <p className="muted">Balance: {money(user.balance)}</p>}
      <div className="form-actions">
        <button type="button" className="secondary" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="submit" disabled={form.busy}>
          {form.busy ? 'Saving…' : user ? 'Save changes' : 'Create user'}
        </button>
      </div>
    </form>
  );
}

/** PATCH /api/users/{id} with a new password (the user's other sessions end). */
export function PasswordForm(props: {
  user: User;
  isSelf: boolean;
  onDone: () => void;
  onCancel: () => void;
}) {
  const invalidate = useInvalidateUsers();
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const mismatch = again !== '' && again !== password;
  const form = useSubmit(
    () => api.patch<User>(`/api/users/${props.user.id}`, { password }),
    () => {
      void invalidate();
      props.onDone();
    },
  );
  return (
    <form className="stack" onSubmit={form.submit}>
      <ErrorBanner error={form.error} />
      <p style={{ margin: 0 }}>
        Set a new password for <strong>{props.user.email}</strong>.
        {props.isSelf ? '' : ' They are signed out everywhere and must use the new password.'}
      </p>
      <Field label="New password" error={form.fields.password} hint="8 to 200 characters">
        {(id, d) => (
          <input
            id={id}
            aria-describedby={d}
            type="password"
            required
            minLength={8}
            maxLength={200}
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        )}
      </Field>
      <Field label="Repeat the password" error={mismatch ? 'The two passwords differ.' : undefined}>
        {(id, d) => (
          <input
            id={id}
            aria-describedby={d}
            type="password"
            required
            minLength={8}
            maxLength={200}
            autoComplete="new-password"
            value={again}
            onChange={(e) => setAgain(e.target.value)}
          />
        )}
      </Field>
      <div className="form-actions">
        <button type="button" className="secondary" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="submit" disabled={form.busy || password !== again}>
          {form.busy ? 'Saving…' : 'Set password'}
        </button>
      </div>
    </form>
  );
}
