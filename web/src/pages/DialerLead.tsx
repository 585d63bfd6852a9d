import { Fragment } from 'react';
import { Notice, Section } from '../ui';
import { label, type Lead } from './DialerShared';

/** The lead's local time in its (first) zone, when it has one. */
function localTime(zones: string[]): string | null {
  const zone = zones[0];
  if (!zone) return null;
  try {
    return new Intl.DateTimeFormat(undefined, { timeStyle: 'short', timeZone: zone }).format(new Date());
  } catch {
    return null;
  }
}

/** The lead the agent is calling (or previewing): who, where, their local time, their fields. */
export function LeadCard({ lead }: { lead: Lead }) {
  const fields = Object.entries(lead.fields);
  const local = localTime(lead.time_zones);
  return (
    <Section title="Lead">
      <dl className="facts">
        <dt>Name</dt>
        <dd>{lead.name ?? '—'}</dd>
        <dt>Phone</dt>
        <dd>{lead.phone}</dd>
        <dt>Region</dt>
        <dd>{[lead.region, lead.postal_code, lead.country].filter(Boolean).join(' · ') || '—'}</dd>
        <dt>Time zones</dt>
        <dd>
          {lead.time_zones.length ? lead.time_zones.join(', ') : 'unknown'}
          {local && <span className="muted"> (now {local})</span>}
        </dd>
        <dt>Attempts</dt>
        <dd>
          {lead.attempts}
          {lead.last_outcome ? ` · last: ${label(lead.last_outcome)}` : ''}
        </dd>
        {fields.map(([k, v]) => (
          <Fragment key={k}>
            <dt>{label(k)}</dt>
            <dd>{String(v)}</dd>
          </Fragment>
        ))}
      </dl>
      {fields.length === 0 && <Notice>No other fields were imported for this lead.</Notice>}
    </Section>
  );
}
