import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api';
import { SaveError } from '../../conflict';
import { Field, numberOrNull, useSubmit } from '../../ui';
import { TimeZoneSelect } from '../../timezones';
import { PauseFields } from './PauseFields';
import { SipFields } from './SipFields';
import { BusinessHoursEditor, cleanHours, type BusinessHours } from '../common/BusinessHoursEditor';

/** A buyer call center as GET /api/clients returns it (the SIP password is write-only). */
export interface Client {
  id: number;
  name: string;
  client_identifier: string;
  status: 'active' | 'disabled';
  sip_mode: 'static' | 'registering';
  sip_host: string | null;
  sip_port: number | null;
  sip_transport: 'udp' | 'tcp' | 'tls';
  codecs: string[];
  auth_username: string | null;
  has_password: boolean;
  max_concurrency: number | null;
  qualify_frequency: number;
  timezone: string;
  business_hours: BusinessHours | null;
  notes: string | null;
  /** Sent back with a change (If-Match): a save over someone else's newer one is refused. */
  version: number;
  auto_pause_unanswered: number | null;
  auto_pause_minutes: number;
  paused_until: string | null;
  created_at: string;
  updated_at: string;
}

export interface FormState {
  name: string;
  client_identifier: string;
  status: Client['status'];
  sip_mode: Client['sip_mode'];
  sip_host: string;
  sip_port: string;
  sip_transport: Client['sip_transport'];
  codecs: string[];
  auth_username: string;
  auth_password: string;
  max_concurrency: string;
  qualify_frequency: string;
  timezone: string;
  business_hours: BusinessHours | null;
  notes: string;
  auto_pause_unanswered: string;
  auto_pause_minutes: string;
}

function initial(c: Client | null): FormState {
  return {
    name: c?.name ?? '',
    client_identifier: c?.client_identifier ?? '',
    status: c?.status ?? 'active',
    sip_mode: c?.sip_mode ?? 'static',
    sip_host: c?.sip_host ?? '',
    sip_port: c?.sip_port?.toString() ?? '',
    sip_transport: c?.sip_transport ?? 'udp',
    codecs: c?.codecs ?? ['ulaw', 'alaw'],
    auth_username: c?.auth_username ?? '',
    auth_password: '',
    max_concurrency: c?.max_concurrency?.toString() ?? '',
    qualify_frequency: c?.qualify_frequency.toString() ?? '',
    timezone: c?.timezone ?? 'UTC',
    business_hours: c?.business_hours ?? null,
    notes: c?.notes ?? '',
    auto_pause_unanswered: c?.auto_pause_unanswered?.toString() ?? '',
    auto_pause_minutes: String(c?.auto_pause_minutes ?? 60),
  };
}

/** The request body: credentials go together, and a stored password is kept unless retyped. */
function toBody(f: FormState, editing: Client | null): Record<string, unknown> {
  const body: Record<string, unknown> = {
    name: f.name.trim(),
    client_identifier: f.client_identifier.trim(),
    status: f.status,
    sip_mode: f.sip_mode,
    sip_host: f.sip_host.trim() || null,
    sip_port: numberOrNull(f.sip_port),
    sip_transport: f.sip_transport,
    codecs: f.codecs,
    max_concurrency: numberOrNull(f.max_concurrency),
    timezone: f.timezone.trim(),
    business_hours: cleanHours(f.business_hours),
    notes: f.notes.trim() || null,
    auto_pause_unanswered: numberOrNull(f.auto_pause_unanswered),
    auto_pause_minutes: Number(f.auto_pause_minutes || 60),
  };
  // Left empty: the API's default for a new client, the stored value for an edited one.
  if (f.qualify_frequency.trim() !== '') body.qualify_frequency = Number(f.qualify_frequency);
  const user = f.auth_username.trim();
  if (user === '') {
    body.auth_username = null;
    body.auth_password = null;
  } else {
    body.auth_username = user;
    if (f.auth_password !== '') body.auth_password = f.auth_password;
    else if (!editing?.has_password) body.auth_password = null; // the API then says what is missing
  }
  return body;
}

/** Create (client = null) or edit a client: every field POST/PATCH /api/clients accepts. */
export function ClientForm(props: {
  client: Client | null;
  onDone: (c: Client) => void;
  onCancel: () => void;
}) {
  const editing = props.client;
  const qc = useQueryClient();
  const [f, setF] = useState<FormState>(() => initial(editing));
  // The client these values came from (its version and whether a password is stored): what a
  // save tells the server it is changing.
  const [base, setBase] = useState(editing);
  const set = <K extends keyof FormState>(k: K, v: FormState[K]) => setF((s) => ({ ...s, [k]: v }));
  const form = useSubmit(
    () =>
      base
        ? api.patch<Client>(`/api/clients/${base.id}`, toBody(f, base), base.version)
        : api.post<Client>('/api/clients', toBody(f, null)),
    (c) => {
      void qc.invalidateQueries({ queryKey: ['/api/clients'] });
      if (base) setBase(c);
      props.onDone(c);
    },
  );
  const reload = async () => {
    if (!base) return;
    try {
      const fresh = await api.get<Client>(`/api/clients/${base.id}`);
      setF(initial(fresh));
      setBase(fresh);
      form.setError(null);
      void qc.invalidateQueries({ queryKey: ['/api/clients'] });
    } catch (err) {
      form.setError(err);
    }
  };
  const e = form.fields;

  return (
    <form className="stack" onSubmit={form.submit}>
      <SaveError error={form.error} what="client" onReload={reload} />
      <div className="form-grid" style={{ alignItems: 'start' }}>
        <Field label="Name" error={e.name}>
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              required
              maxLength={200}
              value={f.name}
              onChange={(ev) => set('name', ev.target.value)}
            />
          )}
        </Field>
        <Field
          label="Identifier"
          error={e.client_identifier}
          hint="PJSIP endpoint id: letters, digits, _ . -"
        >
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              required
              pattern="[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}"
              maxLength={40}
              autoCapitalize="off"
              spellCheck={false}
              value={f.client_identifier}
              onChange={(ev) => set('client_identifier', ev.target.value)}
            />
          )}
        </Field>
        <Field label="Status" error={e.status} hint="A disabled client has no PJSIP rows and gets no calls">
          {(id, d) => (
            <select
              id={id}
              aria-describedby={d}
              value={f.status}
              onChange={(ev) => set('status', ev.target.value as Client['status'])}
            >
              <option value="active">Active</option>
              <option value="disabled">Disabled</option>
            </select>
          )}
        </Field>
        <Field
          label="Max concurrent calls"
          error={e.max_concurrency}
          hint="Across all campaigns; empty = no limit"
        >
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              type="number"
              min={1}
              max={100000}
              step={1}
              value={f.max_concurrency}
              onChange={(ev) => set('max_concurrency', ev.target.value)}
            />
          )}
        </Field>
        <PauseFields f={f} set={set} errors={e} />
      </div>

      <SipFields f={f} set={set} errors={e} hasPassword={base?.has_password ?? false} />

      <Field label="Time zone" error={e.timezone} hint="Business hours count in this zone">
        {(id, d) => (
          <TimeZoneSelect id={id} describedBy={d} value={f.timezone} onChange={(z) => set('timezone', z)} />
        )}
      </Field>
      <BusinessHoursEditor
        value={f.business_hours}
        onChange={(v) => set('business_hours', v)}
        timezoneHint={f.timezone}
      />
      <Field label="Notes" error={e.notes}>
        {(id, d) => (
          <textarea
            id={id}
            aria-describedby={d}
            rows={3}
            maxLength={2000}
            value={f.notes}
            onChange={(ev) => set('notes', ev.target.value)}
          />
        )}
      </Field>
      <div className="form-actions">
        <button type="button" className="secondary" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="submit" disabled={form.busy || f.codecs.length === 0}>
          {form.busy ? 'Saving…' : editing ? 'Save changes' : 'Create client'}
        </button>
      </div>
    </form>
  );
}
