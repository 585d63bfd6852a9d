import { Field } from '../../ui';
import type { Client, FormState } from './ClientForm';

const CODECS = ['ulaw', 'alaw', 'g722', 'g729', 'gsm', 'opus', 'ilbc', 'speex', 'g726', 'slin'] as const;

/** The SIP part of the client form: how Asterisk reaches the client, credentials and codecs. */
export function SipFields(props: {
  f: FormState;
  set: <K extends keyof FormState>(k: K, v: FormState[K]) => void;
  errors: Record<string, string>;
  hasPassword: boolean;
}) {
  const { f, set, errors: e } = props;
  const needsPassword = f.auth_username.trim() !== '' && !props.hasPassword;
  return (
    <fieldset className="stack">
      <legend>SIP connection</legend>
      <div className="form-grid" style={{ alignItems: 'start' }}>
        <Field
          label="Mode"
          error={e.sip_mode}
          hint={f.sip_mode === 'static' ? 'We send calls to a fixed address' : 'The client registers to us'}
        >
          {(id, d) => (
            <select
              id={id}
              aria-describedby={d}
              value={f.sip_mode}
              onChange={(ev) => set('sip_mode', ev.target.value as Client['sip_mode'])}
            >
              <option value="static">Static address</option>
              <option value="registering">Registering</option>
            </select>
          )}
        </Field>
        <Field
          label="Host"
          error={e.sip_host}
          hint={f.sip_mode === 'static' ? 'IP address or host name' : 'Optional for a registering client'}
        >
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              required={f.sip_mode === 'static'}
              maxLength={80}
              pattern="[A-Za-z0-9.:\-\[\]]+"
              autoCapitalize="off"
              spellCheck={false}
              value={f.sip_host}
              onChange={(ev) => set('sip_host', ev.target.value)}
            />
          )}
        </Field>
        <Field label="Port" error={e.sip_port} hint="Empty = 5060 (5061 for TLS)">
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              type="number"
              min={1}
              max={65535}
              step={1}
              value={f.sip_port}
              onChange={(ev) => set('sip_port', ev.target.value)}
            />
          )}
        </Field>
        <Field
          label="Qualify every (s)"
          error={e.qualify_frequency}
          hint="How often Asterisk checks the client answers (SIP OPTIONS); while it does not, calls skip it. 0 = never; default 15"
        >
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              type="number"
              min={0}
              max={86400}
              step={1}
              placeholder="15"
              value={f.qualify_frequency}
              onChange={(ev) => set('qualify_frequency', ev.target.value)}
            />
          )}
        </Field>
        <Field label="Transport" error={e.sip_transport}>
          {(id, d) => (
            <select
              id={id}
              aria-describedby={d}
              value={f.sip_transport}
              onChange={(ev) => set('sip_transport', ev.target.value as Client['sip_transport'])}
            >
              <option value="udp">UDP</option>
              <option value="tcp">TCP</option>
              <option value="tls">TLS</option>
            </select>
          )}
        </Field>
        <Field
          label="Auth username"
          error={e.auth_username}
          hint={f.sip_mode === 'registering' ? 'Required when registering' : 'Empty = no authentication'}
        >
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              required={f.sip_mode === 'registering'}
              maxLength={40}
              pattern="[^\s;\^]+"
              autoComplete="off"
              autoCapitalize="off"
              spellCheck={false}
              value={f.auth_username}
              onChange={(ev) => set('auth_username', ev.target.value)}
            />
          )}
        </Field>
        <Field
          label="Auth password"
          error={e.auth_password}
          hint={
            props.hasPassword && f.auth_username.trim() !== ''
              ? 'Leave empty to keep the stored password'
              : '8 to 80 characters'
          }
        >
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              type="password"
              autoComplete="new-password"
              required={needsPassword}
              disabled={f.auth_username.trim() === ''}
              minLength={8}
              maxLength={80}
              value={f.auth_password}
              onChange={(ev) => set('auth_password', ev.target.value)}
            />
          )}
        </Field>
      </div>
      <fieldset>
        <legend>Codecs{e.codecs ? <span className="field-error"> — {e.codecs}</span> : null}</legend>
        <div className="actions">
          {CODECS.map((c) => (
            <label key={c}>
              <input
                type="checkbox"
                checked={f.codecs.includes(c)}
                onChange={(ev) =>
                  set('codecs', ev.target.checked ? [...f.codecs, c] : f.codecs.filter((x) => x !== c))
                }
              />{' '}
              {c}
            </label>
          ))}
        </div>
        {f.codecs.length === 0 && <small className="field-error">Choose at least one codec.</small>}
      </fieldset>
    </fieldset>
  );
}
