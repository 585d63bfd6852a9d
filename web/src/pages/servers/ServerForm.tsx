import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api';
import { SaveError } from '../../conflict';
import { Field, useSubmit } from '../../ui';

/** An Asterisk server as GET /api/asterisk-servers returns it: the ARI password is never in it. */
export interface AsteriskServer {
  id: number;
  name: string;
  pbx: string;
  ari_url: string;
  ari_username: string;
  has_password: boolean;
  app_name: string;
  outbound_trunk: string;
  enabled: boolean;
  status: 'unknown' | 'ok' | 'error';
  asterisk_version: string | null;
  last_error: string | null;
  checked_at: string | null;
  /** Sent back with a change (If-Match): a save over someone else's newer one is refused. */
  version: number;
  created_at: string;
  updated_at: string;
}

interface FormState {
  name: string;
  pbx: string;
  ari_url: string;
  ari_username: string;
  ari_password: string;
  app_name: string;
  outbound_trunk: string;
  enabled: boolean;
}

/** The password field always starts empty: it is write-only, and empty on edit keeps the stored one. */
function initial(s: AsteriskServer | null): FormState {
  return {
    name: s?.name ?? '',
    pbx: s?.pbx ?? '',
    ari_url: s?.ari_url ?? '',
    ari_username: s?.ari_username ?? '',
    ari_password: '',
    app_name: s?.app_name ?? 'capconduit',
    outbound_trunk: s?.outbound_trunk ?? 'PJSIP/{number}@carrier',
    enabled: s?.enabled ?? true,
  };
}

function toBody(f: FormState, editing: AsteriskServer | null): Record<string, unknown> {
  const body: Record<string, unknown> = {
    name: f.name.trim(),
    pbx: f.pbx.trim(),
    ari_url: f.ari_url.trim(),
    ari_username: f.ari_username.trim(),
    app_name: f.app_name.trim(),
    outbound_trunk: f.outbound_trunk.trim(),
    enabled: f.enabled,
  };
  if (f.ari_password !== '' || !editing) body.ari_password = f.ari_password;
  return body;
}

const NAME = '[A-Za-z0-9_.\\-]{1,40}';

/** Register (server = null) or change an Asterisk server: every field the API accepts. */
export function ServerForm(props: {
  server: AsteriskServer | null;
  onDone: (s: AsteriskServer) => void;
  onCancel: () => void;
}) {
  const editing = props.server;
  const qc = useQueryClient();
  const [f, setF] = useState<FormState>(() => initial(editing));
  // The server these values came from: its version is what a save tells the server it changes.
  const [base, setBase] = useState(editing);
  const set = <K extends keyof FormState>(k: K, v: FormState[K]) => setF((s) => ({ ...s, [k]: v }));
  const form = useSubmit(
    () =>
      base
        ? api.patch<AsteriskServer>(`/api/asterisk-servers/${base.id}`, toBody(f, base), base.version)
        : api.post<AsteriskServer>('/api/asterisk-servers', toBody(f, null)),
    (s) => {
      if (base) setBase(s);
      void qc.invalidateQueries({ queryKey: ['/api/asterisk-servers'] });
      props.onDone(s);
    },
  );
  const reload = async () => {
    if (!base) return;
    try {
      const fresh = await api.get<AsteriskServer>(`/api/asterisk-servers/${base.id}`);
      setF(initial(fresh));
      setBase(fresh);
      form.setError(null);
      void qc.invalidateQueries({ queryKey: ['/api/asterisk-servers'] });
    } catch (err) {
      form.setError(err);
    }
  };
  const e = form.fields;
  const text = (
    key: Exclude<keyof FormState, 'enabled'>,
    label: string,
    opts: { hint?: string; pattern?: string; max: number; placeholder?: string; required?: boolean } = {
      max: 200,
    },
  ) => (
    <Field label={label} error={e[key]} hint={opts.hint}>
      {(id, d) => (
        <input
          id={id}
          aria-describedby={d}
          required={opts.required ?? true}
          maxLength={opts.max}
          pattern={opts.pattern}
          placeholder={opts.placeholder}
          autoCapitalize="off"
          spellCheck={false}
          value={f[key]}
          onChange={(ev) => set(key, ev.target.value)}
        />
      )}
    </Field>
  );

  return (
    <form className="stack" onSubmit={form.submit}>
      <SaveError error={form.error} what="Asterisk server" onReload={reload} />
      <div className="form-grid" style={{ alignItems: 'start' }}>
        {text('name', 'Name', { max: 100 })}
        {text('pbx', 'PBX name', {
          max: 40,
          pattern: NAME,
          hint: 'As its generated dialplan sends it (asterisk-config --pbx)',
        })}
        {text('ari_url', 'ARI URL', {
          max: 200,
          placeholder: 'http://10.0.0.5:8088',
          hint: 'Scheme, host and port',
        })}
        {text('ari_username', 'ARI user', { max: 80, hint: 'From ari.conf' })}
        <Field
          label="ARI password"
          error={e.ari_password}
          hint={
            editing?.has_password
              ? 'Stored sealed and never shown; leave empty to keep it'
              : 'Stored sealed; it is never shown again'
          }
        >
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              type="password"
              autoComplete="new-password"
              required={!editing}
              maxLength={200}
              value={f.ari_password}
              onChange={(ev) => set('ari_password', ev.target.value)}
            />
          )}
        </Field>
        {text('app_name', 'Stasis application', {
          max: 40,
          pattern: NAME,
          hint: 'The ARI application CapConduit registers',
        })}
        {text('outbound_trunk', 'Outbound trunk', {
          max: 200,
          hint: 'How a customer is dialled; must contain {number}, e.g. PJSIP/{number}@carrier',
        })}
      </div>
      <label>
        <input type="checkbox" checked={f.enabled} onChange={(ev) => set('enabled', ev.target.checked)} />{' '}
        Enabled: CapConduit connects to it and places calls through it
      </label>
      <div className="form-actions">
        <button type="button" className="secondary" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="submit" disabled={form.busy}>
          {form.busy ? 'Saving…' : editing ? 'Save server' : 'Add server'}
        </button>
      </div>
    </form>
  );
}
