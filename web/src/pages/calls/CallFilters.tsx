import { useQuery } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { api, type Page } from '../../api';
import { isStaff, useMe } from '../../auth';
import { ErrorBanner, Field } from '../../ui';

// The call log's filter form. Its values come from the address bar and go back to it on
// "Apply filters", so a filtered view can be bookmarked and shared.

interface NamedRow {
  id: number;
  name: string;
}

const ROUTING_STATUSES = ['routed', 'rejected', 'unrouted', 'expired'];
const DISPOSITIONS = ['ANSWERED', 'NO ANSWER', 'BUSY', 'CONGESTION', 'FAILED', 'NOT DIALED', 'UNKNOWN'];

/** The filter form; its values come from (and go back to) the address bar. */
export function CallFilters(props: {
  params: URLSearchParams;
  onApply: (next: URLSearchParams) => void;
  onClear: () => void;
}) {
  const me = useMe();
  const staff = isStaff(me);
  const campaigns = useQuery({
    queryKey: ['/api/campaigns', { limit: 500 }],
    queryFn: () => api.get<Page<NamedRow>>('/api/campaigns', { limit: 500 }),
  });
  const clients = useQuery({
    queryKey: ['/api/clients', { limit: 500 }],
    queryFn: () => api.get<Page<NamedRow>>('/api/clients', { limit: 500 }),
    enabled: staff,
  });
  const v = (k: string) => props.params.get(k) ?? '';

  function apply(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const next = new URLSearchParams();
    for (const [k, value] of new FormData(e.currentTarget)) {
      if (typeof value === 'string' && value.trim() !== '') next.set(k, value.trim());
    }
    props.onApply(next);
  }

  const disposition = v('disposition');
  return (
    <form className="filters" onSubmit={apply} aria-label="Call filters">
      <ErrorBanner error={campaigns.error ?? clients.error} />
      <Field label="From">{(id) => <input id={id} name="from" type="date" defaultValue={v('from')} />}</Field>
      <Field label="To (inclusive)">
        {(id) => <input id={id} name="to" type="date" defaultValue={v('to')} />}
      </Field>
      <Field label="Campaign">
        {(id) => (
          <select id={id} name="campaign_id" defaultValue={v('campaign_id')}>
            <option value="">All campaigns</option>
            {withSelected(campaigns.data?.items, v('campaign_id')).map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      {staff && (
        <Field label="Client">
          {(id) => (
            <select id={id} name="client_id" defaultValue={v('client_id')}>
              <option value="">All clients</option>
              {withSelected(clients.data?.items, v('client_id')).map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      <Field label="DID contains">
        {(id) => <input id={id} name="did" maxLength={32} inputMode="tel" defaultValue={v('did')} />}
      </Field>
      <Field label="Caller contains">
        {(id) => <input id={id} name="caller" maxLength={64} inputMode="tel" defaultValue={v('caller')} />}
      </Field>
      <Field label="Routing status">
        {(id) => (
          <select id={id} name="routing_status" defaultValue={v('routing_status')}>
            <option value="">Any</option>
            {ROUTING_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Disposition">
        {(id) => (
          <select id={id} name="disposition" defaultValue={disposition}>
            <option value="">Any</option>
            {[
              ...DISPOSITIONS,
              ...(disposition && !DISPOSITIONS.includes(disposition) ? [disposition] : []),
            ].map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        )}
      </Field>
      <div className="actions">
        <button type="submit">Apply filters</button>
        <button type="button" className="secondary" onClick={props.onClear}>
          Clear
        </button>
      </div>
    </form>
  );
}

/** Options for a select; a selected id not in the list (still loading, or beyond it) stays choosable. */
function withSelected(rows: NamedRow[] | undefined, selected: string): NamedRow[] {
  const list = rows ?? [];
  const id = Number(selected);
  if (!selected || list.some((r) => r.id === id)) return list;
  return [...list, { id, name: `#${id}` }];
}
