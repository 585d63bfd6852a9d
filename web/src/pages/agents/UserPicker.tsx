import { useQuery } from '@tanstack/react-query';
import { api } from '../../api';
import { useMe } from '../../auth';
import { Field } from '../../ui';

export type UserChoice =
  { mode: 'existing'; user_id: string } | { mode: 'new'; name: string; email: string; password: string };

interface Candidate {
  id: number;
  name: string;
  email: string;
}

/**
 * Who the extension is for: a user with role agent who has none yet, or (admins only, since only
 * admins manage users) a new agent user made together with it.
 */
export function UserPicker(props: {
  value: UserChoice;
  onChange: (v: UserChoice) => void;
  errors: Record<string, string>;
}) {
  const me = useMe();
  const candidates = useQuery({
    queryKey: ['/api/agents/candidates'],
    queryFn: () => api.get<{ items: Candidate[] }>('/api/agents/candidates'),
  });
  const v = props.value;
  const e = props.errors;
  return (
    <fieldset>
      <legend>Agent</legend>
      {me.role === 'admin' && (
        <div className="actions" role="radiogroup" aria-label="Who the extension is for">
          <label>
            <input
              type="radio"
              name="agent-user"
              checked={v.mode === 'existing'}
              onChange={() => props.onChange({ mode: 'existing', user_id: '' })}
            />{' '}
            An existing agent user
          </label>
          <label>
            <input
              type="radio"
              name="agent-user"
              checked={v.mode === 'new'}
              onChange={() => props.onChange({ mode: 'new', name: '', email: '', password: '' })}
            />{' '}
            A new user
          </label>
        </div>
      )}
      {v.mode === 'existing' ? (
        <Field
          label="Agent user"
          error={e.user_id}
          hint={
            candidates.data?.items.length === 0
              ? 'Every agent user has an extension. An admin adds agent users under Users.'
              : 'Users with role agent who have no extension yet'
          }
        >
          {(id, d) => (
            <select
              id={id}
              aria-describedby={d}
              required
              value={v.user_id}
              onChange={(ev) => props.onChange({ mode: 'existing', user_id: ev.target.value })}
            >
              <option value="">Choose…</option>
              {candidates.data?.items.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name} ({u.email})
                </option>
              ))}
            </select>
          )}
        </Field>
      ) : (
        <div className="form-grid" style={{ alignItems: 'start' }}>
          <Field label="Name" error={e.name}>
            {(id, d) => (
              <input
                id={id}
                aria-describedby={d}
                required
                maxLength={200}
                autoComplete="off"
                value={v.name}
                onChange={(ev) => props.onChange({ ...v, name: ev.target.value })}
              />
            )}
          </Field>
          <Field label="Email" error={e.email} hint="The agent signs in with it">
            {(id, d) => (
              <input
                id={id}
                aria-describedby={d}
                type="email"
                required
                maxLength={254}
                autoComplete="off"
                value={v.email}
                onChange={(ev) => props.onChange({ ...v, email: ev.target.value })}
              />
            )}
          </Field>
          <Field label="Sign-in password" error={e.password} hint="8 characters or more">
            {(id, d) => (
              <input
                id={id}
                aria-describedby={d}
                type="password"
                required
                minLength={8}
                maxLength={200}
                autoComplete="new-password"
                value={v.password}
                onChange={(ev) => props.onChange({ ...v, password: ev.target.value })}
              />
            )}
          </Field>
        </div>
      )}
    </fieldset>
  );
}
