import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type Page } from '../../api';
import {
  DataTable,
  Empty,
  ErrorBanner,
  Field,
  Pagination,
  StatusBadge,
  dateTime,
  type Column,
} from '../../ui';
import { DeliveryDetail } from './DeliveryDetail';
import { WRAP, type Delivery, type DeliveryState, type Subscription } from './types';

const LIMIT = 25;
export const DELIVERIES_KEY = '/api/webhook-deliveries';

/** What the last attempt got: the HTTP status, or why there was none. */
function lastResult(d: Delivery) {
  if (d.attempts === 0 && d.last_status === null && d.last_error === null)
    return <span className="muted">not sent yet</span>;
  return (
    <div>
      {d.last_status !== null && <div>HTTP {d.last_status}</div>}
      {d.last_error && (
        <div className="field-error" style={WRAP}>
          {d.last_error}
        </div>
      )}
    </div>
  );
}

/**
 * The delivery log: one row per event and subscription, newest first, refreshed every few
 * seconds while open; a failed (or any) delivery can be sent again.
 */
export function DeliveryLog(props: { subscriptions: Subscription[] | undefined }) {
  const qc = useQueryClient();
  const [subscription, setSubscription] = useState('');
  const [state, setState] = useState<DeliveryState | ''>('');
  const [offset, setOffset] = useState(0);
  const [shown, setShown] = useState<Delivery | null>(null);
  const query = {
    limit: LIMIT,
    offset,
    subscription_id: subscription || undefined,
    state: state || undefined,
  };
  const log = useQuery({
    queryKey: [DELIVERIES_KEY, query],
    queryFn: () => api.get<Page<Delivery>>(DELIVERIES_KEY, query),
    refetchInterval: 3000,
  });
  const redeliver = useMutation({
    mutationFn: (d: Delivery) => api.post<Delivery>(`/api/webhook-deliveries/${d.id}/redeliver`),
    onSuccess: () => qc.invalidateQueries({ queryKey: [DELIVERIES_KEY] }),
  });

  const columns: Column<Delivery>[] = [
    {
      header: 'Event',
      cell: (d) => (
        <div>
          <code>{d.event}</code>
          <div className="muted">{dateTime(d.occurred_at)}</div>
        </div>
      ),
    },
    { header: 'URL', cell: (d) => <span style={WRAP}>{d.url}</span> },
    { header: 'Status', cell: (d) => <StatusBadge status={d.state} /> },
    { header: 'Attempts', cell: (d) => d.attempts, className: 'num' },
    { header: 'Last result', cell: lastResult },
    {
      header: 'Next retry',
      cell: (d) => (d.state === 'pending' ? (d.next_attempt_at ? dateTime(d.next_attempt_at) : 'now') : '—'),
    },
    {
      header: 'Actions',
      cell: (d) => (
        <div className="actions">
          <button type="button" className="secondary" onClick={() => setShown(d)}>
            Details
            <span className="sr-only">
              {' '}
              of {d.event} to {d.url}
            </span>
          </button>
          <button
            type="button"
            className="secondary"
            disabled={redeliver.isPending || (d.state === 'pending' && d.next_attempt_at === null)}
            onClick={() => redeliver.mutate(d)}
          >
            Redeliver
            <span className="sr-only">
              {' '}
              {d.event} to {d.url}
            </span>
          </button>
        </div>
      ),
    },
  ];

  return (
    <>
      <div className="filters" role="group" aria-label="Delivery filters">
        <Field label="Subscription">
          {(id) => (
            <select
              id={id}
              value={subscription}
              onChange={(ev) => {
                setSubscription(ev.target.value);
                setOffset(0);
              }}
            >
              <option value="">All</option>
              {(props.subscriptions ?? []).map((s) => (
                <option key={s.id} value={s.id}>
                  {s.description ?? s.url}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Status">
          {(id) => (
            <select
              id={id}
              value={state}
              onChange={(ev) => {
                setState(ev.target.value as DeliveryState | '');
                setOffset(0);
              }}
            >
              <option value="">All</option>
              <option value="pending">Pending</option>
              <option value="delivered">Delivered</option>
              <option value="failed">Failed</option>
            </select>
          )}
        </Field>
      </div>
      <ErrorBanner error={log.error ?? redeliver.error} />
      {!log.error && (
        <DataTable
          caption="Webhook deliveries"
          columns={columns}
          rows={log.data?.items}
          rowKey={(d) => d.id}
          empty={
            <Empty title="No deliveries yet">
              Events of your subscriptions appear here as they are sent. “Send test event” sends one now.
            </Empty>
          }
        />
      )}
      {log.data && <Pagination total={log.data.total} limit={LIMIT} offset={offset} onChange={setOffset} />}
      <DeliveryDetail delivery={shown} onClose={() => setShown(null)} />
    </>
  );
}
