import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api';
import { SaveError } from '../../conflict';
import { Field, numberOrNull, useSubmit } from '../../ui';
import { CallerRulesFields, draftOf, rulesOf, type CallerRules } from './CallerRules';
import { capHint, LINK_CAP_COUNTS } from './caps';
import { checkMoney, MONEY_LIMITS } from '../../money';

export interface CampaignLink extends CallerRules {
  id: number;
  campaign_id: number;
  client_id: number;
  client_name: string;
  client_status: string;
  status: 'active' | 'paused';
  unavailable_now:
    | 'link_paused'
    | 'client_disabled'
    | 'client_closed'
    | 'link_schedule_closed'
    | 'client_auto_paused'
    | null;
  cap_counts: 'conversions' | 'answered';
  forwarding_priority: number;
  weight: number;
  max_concurrency: number | null;
  total_calls_allowed: number | null;
  current_total_calls: number;
  hourly_cap: number | null;
  daily_cap: number | null;
  monthly_cap: number | null;
  payout: string;
  min_billable_duration: number;
  in_flight: number;
  hour_count: number;
  day_count: number;
  month_count: number;
  /** Sent back with a change (If-Match): a save over someone else's newer one is refused. */
  version: number;
}

const CAPS = [
  ['max_concurrency', 'Max concurrent calls', 1],
  ['total_calls_allowed', 'Total calls allowed', 0],
  ['hourly_cap', 'Hourly cap', 0],
  ['daily_cap', 'Daily cap', 0],
  ['monthly_cap', 'Monthly cap', 0],
] as const;

/** The form's values for a link as loaded (or a new one's defaults). */
function valuesOf(l: CampaignLink | undefined) {
  return {
    client_id: l ? String(l.client_id) : '',
    status: l?.status ?? 'active',
    forwarding_priority: String(l?.forwarding_priority ?? 1),
    weight: String(l?.weight ?? 1),
    max_concurrency: l?.max_concurrency?.toString() ?? '',
    total_calls_allowed: l?.total_calls_allowed?.toString() ?? '',
    hourly_cap: l?.hourly_cap?.toString() ?? '',
    daily_cap: l?.daily_cap?.toString() ?? '',
    monthly_cap: l?.monthly_cap?.toString() ?? '',
    payout: l?.payout ? String(Number(l.payout)) : '0',
    min_billable_duration: String(l?.min_billable_duration ?? 0),
    cap_counts: l?.cap_counts ?? 'conversions',
  };
}

/** Link a client to a campaign, or change a link: priority, weight, payout and every cap. */
export function LinkForm(props: {
  campaignId: number;
  link?: CampaignLink;
  linkedClientIds: number[];
  onDone: () => void;
  onCancel: () => void;
}) {
  const l = props.link;
  const [v, setV] = useState(() => valuesOf(l));
  // The version these values came from: what a save tells the server it is changing.
  const [version, setVersion] = useState(l?.version);
  const [callers, setCallers] = useState(() => draftOf(l, 'link'));
  const set = (k: keyof typeof v) => (e: { target: { value: string } }) =>
    setV({ ...v, [k]: e.target.value });
  const clients = useQuery({
    queryKey: ['/api/clients/directory'],
    queryFn: () =>
      api.get<{ items: { id: number; name: string; status: string }[] }>('/api/clients/directory'),
    enabled: !l,
  });
  const choices = clients.data?.items.filter((c) => !props.linkedClientIds.includes(c.id)) ?? [];
  const form = useSubmit(async () => {
    if (v.payout.trim() !== '') checkMoney('payout', v.payout, { max: MONEY_LIMITS.payout });
    const body: Record<string, unknown> = {
      status: v.status,
      forwarding_priority: Number(v.forwarding_priority),
      weight: Number(v.weight),
      payout: v.payout.trim() === '' ? '0' : v.payout.trim(),
      min_billable_duration: Number(v.min_billable_duration),
      cap_counts: v.cap_counts,
      ...rulesOf(callers),
    };
    for (const [k] of CAPS) body[k] = numberOrNull(v[k]);
    if (l) return api.patch(`/api/links/${l.id}`, body, version);
    return api.post(`/api/campaigns/${props.campaignId}/links`, { ...body, client_id: Number(v.client_id) });
  }, props.onDone);
  const reload = async () => {
    if (!l) return;
    try {
      const fresh = await api.get<CampaignLink>(`/api/links/${l.id}`);
      setV(valuesOf(fresh));
      setCallers(draftOf(fresh, 'link'));
      setVersion(fresh.version);
      form.setError(null);
    } catch (err) {
      form.setError(err);
    }
  };
  const f = form.fields;

  return (
    <form className="stack" onSubmit={form.submit}>
      <SaveError error={form.error} what="link" onReload={reload} />
      {!l && clients.data && choices.length === 0 && (
        <p className="muted">Every active client is already linked. Add clients first (admin or staff).</p>
      )}
      <div className="form-grid">
        {!l && (
          <Field label="Client" error={f.client_id}>
            {(id, d) => (
              <select id={id} aria-describedby={d} required value={v.client_id} onChange={set('client_id')}>
                <option value="">Choose a client…</option>
                {choices.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
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
            </select>
          )}
        </Field>
        <Field label="Priority" error={f.forwarding_priority} hint="Lower goes first">
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              type="number"
              required
              min={0}
              max={1000}
              value={v.forwarding_priority}
              onChange={set('forwarding_priority')}
            />
          )}
        </Field>
        <Field label="Weight" error={f.weight} hint="Share of calls (weighted strategy)">
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              type="number"
              required
              min={1}
              max={1000}
              value={v.weight}
              onChange={set('weight')}
            />
          )}
        </Field>
        {CAPS.map(([k, label, min]) => (
          <Field key={k} label={label} error={f[k]} hint={capHint(k, LINK_CAP_COUNTS[v.cap_counts])}>
            {(id, d) => (
              <input
                id={id}
                aria-describedby={d}
                type="number"
                min={min}
                max={10_000_000}
                value={v[k]}
                onChange={set(k)}
              />
            )}
          </Field>
        ))}
        <Field
          label="Caps count"
          error={f.cap_counts}
          hint="What the total, hourly, daily and monthly caps count once a call is over; calls in progress count either way"
        >
          {(id, d) => (
            <select id={id} aria-describedby={d} value={v.cap_counts} onChange={set('cap_counts')}>
              <option value="conversions">Converted calls</option>
              <option value="answered">Answered calls</option>
            </select>
          )}
        </Field>
        <Field
          label="Payout per converted call ($)"
          error={f.payout}
          hint={`0 to ${MONEY_LIMITS.payout.toLocaleString('en-US')}, up to 4 decimal places`}
        >
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              inputMode="decimal"
              value={v.payout}
              onChange={set('payout')}
            />
          )}
        </Field>
        <Field
          label="Min billable duration (s)"
          error={f.min_billable_duration}
          hint="Converted = answered at least this long"
        >
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              type="number"
              min={0}
              max={86_400}
              value={v.min_billable_duration}
              onChange={set('min_billable_duration')}
            />
          )}
        </Field>
      </div>
      <CallerRulesFields level="link" value={callers} onChange={setCallers} errors={f} />
      <div className="form-actions">
        <button type="button" className="secondary" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="submit" disabled={form.busy}>
          {form.busy ? 'Saving…' : l ? 'Save link' : 'Add link'}
        </button>
      </div>
    </form>
  );
}
