import { useId, useState } from 'react';
import { api } from '../../api';
import { isStaff, useMe } from '../../auth';
import { SaveError } from '../../conflict';
import { Field, numberOrNull, useSubmit } from '../../ui';
import { CallerRulesFields, draftOf, rulesOf, type CallerRules } from './CallerRules';
import { capHint } from './caps';
import { TimeZoneSelect } from '../../timezones';
import { BusinessHoursEditor, cleanHours, type BusinessHours } from '../common/BusinessHoursEditor';
import { useSellers } from '../common/sellers';

export interface Campaign extends CallerRules {
  id: number;
  seller_id: number;
  seller_name: string;
  name: string;
  status: 'active' | 'paused' | 'archived';
  routing_strategy: 'priority' | 'round_robin' | 'weighted';
  dial_timeout_seconds: number;
  max_attempts: number;
  max_concurrency: number | null;
  hourly_cap: number | null;
  daily_cap: number | null;
  monthly_cap: number | null;
  timezone: string;
  business_hours: BusinessHours | null;
  record_calls: boolean;
  did_count: number;
  link_count: number;
  /** Sent back with a change (If-Match): a save over someone else's newer one is refused. */
  version: number;
  created_at: string;
  updated_at: string;
}

/** The form's values for a campaign as loaded (or a new one's defaults). */
function valuesOf(c: Campaign | undefined) {
  return {
    name: c?.name ?? '',
    seller_id: c ? String(c.seller_id) : '',
    status: c?.status ?? 'active',
    routing_strategy: c?.routing_strategy ?? 'priority',
    dial_timeout_seconds: String(c?.dial_timeout_seconds ?? 30),
    max_attempts: String(c?.max_attempts ?? 3),
    max_concurrency: c?.max_concurrency?.toString() ?? '',
    hourly_cap: c?.hourly_cap?.toString() ?? '',
    daily_cap: c?.daily_cap?.toString() ?? '',
    monthly_cap: c?.monthly_cap?.toString() ?? '',
    timezone: c?.timezone ?? (Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'),
  };
}

/**
 * Create or edit a campaign; field rules mirror POST/PATCH /api/campaigns. An edit sends the
 * version it was opened on, so a save over someone else's newer one is refused and said so.
 */
export function CampaignForm(props: {
  campaign?: Campaign;
  onDone: (c: Campaign) => void;
  onCancel?: () => void;
  /** The campaign as someone else saved it, after a conflict, when the person chose to see it. */
  onReload?: (c: Campaign) => void;
}) {
  const me = useMe();
  const c = props.campaign;
  const [v, setV] = useState(() => valuesOf(c));
  const [hours, setHours] = useState<BusinessHours | null>(c?.business_hours ?? null);
  const [record, setRecord] = useState(c?.record_calls ?? false);
  const [callers, setCallers] = useState(() => draftOf(c, 'campaign'));
  // The version these values came from: what a save tells the server it is changing.
  const [version, setVersion] = useState(c?.version);
  const recordHint = useId();
  const set = (k: keyof typeof v) => (e: { target: { value: string } }) =>
    setV({ ...v, [k]: e.target.value });
  const sellers = useSellers(isStaff(me) && !c);
  const load = (fresh: Campaign) => {
    setV(valuesOf(fresh));
    setHours(fresh.business_hours);
    setRecord(fresh.record_calls);
    setCallers(draftOf(fresh, 'campaign'));
    setVersion(fresh.version);
  };

  const form = useSubmit(async () => {
    const body: Record<string, unknown> = {
      name: v.name.trim(),
      status: v.status,
      routing_strategy: v.routing_strategy,
      dial_timeout_seconds: Number(v.dial_timeout_seconds),
      max_attempts: Number(v.max_attempts),
      max_concurrency: numberOrNull(v.max_concurrency),
      hourly_cap: numberOrNull(v.hourly_cap),
      daily_cap: numberOrNull(v.daily_cap),
      monthly_cap: numberOrNull(v.monthly_cap),
      timezone: v.timezone,
      business_hours: cleanHours(hours),
      record_calls: record,
      ...rulesOf(callers),
    };
    if (!c && isStaff(me)) body.seller_id = Number(v.seller_id);
    return c
      ? api.patch<Campaign>(`/api/campaigns/${c.id}`, body, version)
      : api.post<Campaign>('/api/campaigns', body);
  }, onSaved);
  function onSaved(saved: Campaign) {
    load(saved);
    props.onDone(saved);
  }
  const reload = async () => {
    if (!c) return;
    try {
      const fresh = await api.get<Campaign>(`/api/campaigns/${c.id}`);
      load(fresh);
      form.setError(null);
      props.onReload?.(fresh);
    } catch (err) {
      form.setError(err);
    }
  };
  const f = form.fields;
  const cap = (
    key: 'max_concurrency' | 'hourly_cap' | 'daily_cap' | 'monthly_cap',
    label: string,
    min: number,
  ) => (
    <Field label={label} error={f[key]} hint={capHint(key)}>
      {(id, d) => (
        <input
          id={id}
          aria-describedby={d}
          type="number"
          min={min}
          max={10_000_000}
          value={v[key]}
          onChange={set(key)}
        />
      )}
    </Field>
  );

  return (
    <form className="stack" onSubmit={form.submit}>
      <SaveError error={form.error} what="campaign" onReload={reload} />
      <div className="form-grid">
        <Field label="Name" error={f.name}>
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              required
              maxLength={200}
              value={v.name}
              onChange={set('name')}
            />
          )}
        </Field>
        {!c && isStaff(me) && (
          <Field label="Seller" error={f.seller_id}>
            {(id, d) => (
              <select id={id} aria-describedby={d} required value={v.seller_id} onChange={set('seller_id')}>
                <option value="">Choose a seller…</option>
                {sellers.sellers
                  ?.filter((s) => s.status === 'active')
                  .map((s) => (
                    <option key={s.seller_id} value={s.seller_id}>
                      {s.name} ({s.email})
                    </option>
                  ))}
              </select>
            )}
          </Field>
        )}
        <Field label="Status" error={f.status}>
          {(id, d) => (
            <select id={id} aria-describedby={d} value={v.status} onChange={set('status')}>
              <option value="active">Active</option>
              <option value="paused">Paused</option>
              <option value="archived">Archived</option>
            </select>
          )}
        </Field>
        <Field label="Routing strategy" error={f.routing_strategy}>
          {(id, d) => (
            <select
              id={id}
              aria-describedby={d}
              value={v.routing_strategy}
              onChange={set('routing_strategy')}
            >
              <option value="priority">Priority (lowest number first)</option>
              <option value="round_robin">Round robin</option>
              <option value="weighted">Weighted</option>
            </select>
          )}
        </Field>
        <Field label="Dial timeout (s)" error={f.dial_timeout_seconds}>
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              type="number"
              required
              min={5}
              max={300}
              value={v.dial_timeout_seconds}
              onChange={set('dial_timeout_seconds')}
            />
          )}
        </Field>
        <Field label="Max attempts" error={f.max_attempts}>
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              type="number"
              required
              min={1}
              max={20}
              value={v.max_attempts}
              onChange={set('max_attempts')}
            />
          )}
        </Field>
        {cap('max_concurrency', 'Max concurrent calls', 1)}
        {cap('hourly_cap', 'Hourly cap', 0)}
        {cap('daily_cap', 'Daily cap', 0)}
        {cap('monthly_cap', 'Monthly cap', 0)}
        <Field label="Time zone" error={f.timezone} hint="Caps and business hours count in this zone">
          {(id, d) => (
            <TimeZoneSelect
              id={id}
              describedBy={d}
              value={v.timezone}
              onChange={(timezone) => setV({ ...v, timezone })}
            />
          )}
        </Field>
      </div>
      <p style={{ margin: 0 }}>
        <label>
          <input
            type="checkbox"
            checked={record}
            aria-describedby={recordHint}
            onChange={(e) => setRecord(e.target.checked)}
          />{' '}
          Record calls
        </label>{' '}
        <small id={recordHint} className="muted">
          Inbound calls are recorded on the PBX (a dialplan generated by asterisk-config) and kept for the
          recordings retention period
        </small>
      </p>
      <BusinessHoursEditor value={hours} onChange={setHours} timezoneHint={v.timezone} />
      <CallerRulesFields level="campaign" value={callers} onChange={setCallers} errors={f} />
      <div className="form-actions">
        {props.onCancel && (
          <button type="button" className="secondary" onClick={props.onCancel}>
            Cancel
          </button>
        )}
        <button type="submit" disabled={form.busy}>
          {form.busy ? 'Saving…' : c ? 'Save campaign' : 'Create campaign'}
        </button>
      </div>
    </form>
  );
}
