import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api';
import { SaveError } from '../conflict';
import { useMe } from '../auth';
import { Empty, ErrorBanner, Field, Loading, Notice, PageHeader, Section, dateTime, useSubmit } from '../ui';

/** One system setting as GET /api/settings lists it. */
interface Setting {
  key: string;
  type: 'decimal' | 'integer' | 'string' | 'boolean' | string;
  value: string | number | boolean;
  default: string | number | boolean;
  label: string;
  description: string;
  min?: number;
  max?: number;
  updated_at: string | null;
  /** Sent back with a change (If-Match); 0 while never changed. */
  version: number;
}

const GROUPS: Record<string, string> = {
  billing: 'Billing',
  balance: 'Balances',
  calls: 'Calls',
  callerid: 'Caller IDs',
  agents: 'Agents',
  recordings: 'Recordings',
  dialer: 'Dialer',
};

/** System settings (the API lets only admins read and change them), each with a typed control. */
export function SettingsPage() {
  const me = useMe();
  return (
    <>
      <PageHeader
        title="Settings"
        description="System-wide values used by routing, billing and caller-ID rotation. Changes apply within seconds."
      />
      {me.role === 'admin' ? (
        <SettingsList />
      ) : (
        <Empty title="Only administrators change settings">
          Ask an administrator if a value needs to change.
        </Empty>
      )}
    </>
  );
}

function SettingsList() {
  const list = useQuery({
    queryKey: ['/api/settings'],
    queryFn: () => api.get<{ items: Setting[] }>('/api/settings'),
  });
  if (list.error) return <ErrorBanner error={list.error} />;
  if (!list.data) return <Loading what="Loading settings" />;
  if (list.data.items.length === 0)
    return <Empty title="No settings">This server has nothing to configure.</Empty>;
  const groups = new Map<string, Setting[]>();
  for (const s of list.data.items) {
    const g = s.key.split('.')[0] ?? '';
    groups.set(g, [...(groups.get(g) ?? []), s]);
  }
  return (
    <>
      {[...groups].map(([g, items]) => (
        <Section key={g} title={GROUPS[g] ?? g}>
          <div className="stack">
            {items.map((s) => (
              <SettingForm key={s.key} setting={s} />
            ))}
          </div>
        </Section>
      ))}
    </>
  );
}

const show = (v: string | number | boolean) => (typeof v === 'boolean' ? (v ? 'on' : 'off') : String(v));

/** The value to send: the API wants a number for integers, a string for decimals (no floating point). */
function parse(s: Setting, draft: string | boolean): string | number | boolean {
  if (s.type === 'boolean') return Boolean(draft);
  if (s.type === 'integer') return Number(draft);
  return String(draft).trim();
}

function SettingForm({ setting: s }: { setting: Setting }) {
  const qc = useQueryClient();
  const [draft, setDraftValue] = useState<string | boolean | null>(null);
  // The version the draft was started from (the list may be read again meanwhile): what a save
  // tells the server it is changing.
  const [base, setBase] = useState<number | null>(null);
  const [saved, setSaved] = useState(false);
  const current = typeof s.value === 'boolean' ? s.value : String(s.value);
  const value = draft ?? current;
  const changed = draft !== null && draft !== current;
  const setDraft = (v: string | boolean) => {
    if (draft === null) setBase(s.version);
    setDraftValue(v);
  };
  const url = `/api/settings/${encodeURIComponent(s.key)}`;
  const keep = (updated: Setting) =>
    qc.setQueryData<{ items: Setting[] }>(['/api/settings'], (old) =>
      old ? { items: old.items.map((x) => (x.key === updated.key ? updated : x)) } : old,
    );
  const form = useSubmit(
    () => api.put<Setting>(url, { value: parse(s, value) }, base ?? s.version),
    (updated) => {
      keep(updated);
      void qc.invalidateQueries({ queryKey: ['/api/settings'] });
      setDraftValue(null);
      setBase(null);
      setSaved(true);
    },
  );
  const reload = async () => {
    try {
      keep(await api.get<Setting>(url));
      setDraftValue(null);
      setBase(null);
      form.setError(null);
    } catch (err) {
      form.setError(err);
    }
  };
  const bounds =
    s.min !== undefined || s.max !== undefined ? ` Allowed: ${s.min ?? '…'} to ${s.max ?? '…'}.` : '';
  const hint = (
    <>
      {s.description}.{bounds} Default: {show(s.default)}.
      {s.updated_at ? ` Last changed ${dateTime(s.updated_at)}.` : ' Never changed.'} API key:{' '}
      <code>{s.key}</code>.
    </>
  );
  return (
    <form
      className="stack"
      style={{ borderTop: '1px solid var(--border)', paddingTop: '0.75rem' }}
      onSubmit={form.submit}
      onChange={() => setSaved(false)}
    >
      <SaveError error={form.error} what="setting" onReload={reload} />
      <div className="filters" style={{ marginBottom: 0 }}>
        <div style={{ flex: '1 1 22rem' }}>
          <Field label={s.label} hint={hint} error={form.fields.value}>
            {(id, d) => <Control id={id} describedBy={d} setting={s} value={value} onChange={setDraft} />}
          </Field>
        </div>
        <div className="actions">
          <button type="submit" disabled={form.busy || !changed}>
            {form.busy ? 'Saving…' : 'Save'}
            <span className="sr-only"> {s.label}</span>
          </button>
          <button
            type="button"
            className="secondary"
            disabled={show(value) === show(s.default)}
            onClick={() => setDraft(typeof s.default === 'boolean' ? s.default : String(s.default))}
          >
            Use default<span className="sr-only"> for {s.label}</span>
          </button>
        </div>
      </div>
      {saved && !changed && (
        <Notice kind="success">
          Saved: {s.label} is now {show(s.value)}.
        </Notice>
      )}
    </form>
  );
}

function Control(props: {
  id: string;
  describedBy: string | undefined;
  setting: Setting;
  value: string | boolean;
  onChange: (v: string | boolean) => void;
}) {
  const { id, describedBy, setting: s, value } = props;
  const common = { id, 'aria-describedby': describedBy };
  switch (s.type) {
    case 'boolean':
      return (
        <select
          {...common}
          value={value ? 'true' : 'false'}
          onChange={(e) => props.onChange(e.target.value === 'true')}
        >
          <option value="true">On</option>
          <option value="false">Off</option>
        </select>
      );
    case 'integer':
    case 'decimal':
      return (
        <input
          {...common}
          type="number"
          required
          min={s.min}
          max={s.max}
          step={s.type === 'integer' ? 1 : 0.0001}
          value={String(value)}
          onChange={(e) => props.onChange(e.target.value)}
        />
      );
    default:
      return <input {...common} value={String(value)} onChange={(e) => props.onChange(e.target.value)} />;
  }
}
