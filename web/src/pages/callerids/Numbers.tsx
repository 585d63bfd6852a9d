import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { api, type Page } from '../../api';
import {
  DataTable,
  Dialog,
  Empty,
  ErrorBanner,
  Field,
  Pagination,
  Section,
  StatusBadge,
  dateTime,
  duration,
  percent,
  type Column,
} from '../../ui';
import { AddNumberForm, DeleteNumber, EditNumberForm } from './NumberForms';
import { usePools } from './Pools';

// Caller IDs with their health (GET /api/callerid/numbers). The filters live in the address
// bar: `campaign` absent = every pool, present but empty = the global pool.

export interface NumberHealth {
  id: number;
  caller_id: string;
  campaign: string | null;
  area_code: string | null;
  region: string | null;
  carrier: string | null;
  status: string;
  cooldown_until: string | null;
  /** Full: every place taken (max_concurrent live reservations). */
  reserved: boolean;
  max_concurrent: number;
  reservations: number;
  uses_this_hour: number;
  uses_today: number;
  hourly_limit: number | null;
  daily_limit: number | null;
  last_used_at: string | null;
  reported: number;
  answered: number;
  answer_rate: number | null;
  avg_billsec: number | null;
}

const PAGE_SIZE = 50;
const shortTime = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const ALL = '*';

const usage = (used: number, limit: number | null) => (
  <span style={{ whiteSpace: 'nowrap' }}>{limit === null ? used : `${used} / ${limit}`}</span>
);

export function NumbersSection() {
  const [params, setParams] = useSearchParams();
  const [dialog, setDialog] = useState<
    { kind: 'add' } | { kind: 'edit' | 'delete'; number: NumberHealth } | null
  >(null);
  const offset = Math.max(0, Number(params.get('offset')) || 0);
  const query = {
    campaign: params.get('campaign') ?? undefined,
    status: params.get('status') ?? undefined,
    area_code: params.get('area_code') ?? undefined,
    limit: PAGE_SIZE,
    offset,
  };
  const numbers = useQuery({
    queryKey: ['/api/callerid/numbers', query],
    queryFn: () => {
      // Built by hand: an empty `campaign` (the global pool) must be sent, withQuery drops it.
      const qs = new URLSearchParams();
      for (const [k, v] of Object.entries(query)) if (v !== undefined) qs.set(k, String(v));
      return api.get<Page<NumberHealth>>(`/api/callerid/numbers?${qs.toString()}`);
    },
    placeholderData: (prev) => prev,
  });
  const filtered = query.campaign !== undefined || !!query.status || !!query.area_code;

  const columns: Column<NumberHealth>[] = [
    { header: 'Caller ID', cell: (n) => <strong>{n.caller_id}</strong> },
    { header: 'Pool', cell: (n) => n.campaign ?? <span className="muted">Global</span> },
    {
      header: 'Area',
      cell: (n) => (
        <span style={{ whiteSpace: 'nowrap' }}>
          {[n.area_code, n.region].filter(Boolean).join(' ') || '—'}
        </span>
      ),
    },
    { header: 'Carrier', cell: (n) => n.carrier ?? '—' },
    { header: 'Status', cell: (n) => <NumberStatus n={n} /> },
    {
      header: 'Live calls',
      cell: (n) => (
        <span title="Live reservations / calls the number may serve at once">
          {n.reservations} / {n.max_concurrent}
        </span>
      ),
      className: 'num',
    },
    { header: 'This hour', cell: (n) => usage(n.uses_this_hour, n.hourly_limit), className: 'num' },
    { header: 'Today', cell: (n) => usage(n.uses_today, n.daily_limit), className: 'num' },
    {
      header: 'Answer rate',
      cell: (n) => (
        <span title={`${n.answered} answered of ${n.reported} reported`}>
          {percent(n.answer_rate)}{' '}
          <span className="muted">
            ({n.answered}/{n.reported})
          </span>
        </span>
      ),
      className: 'num',
    },
    { header: 'Avg billsec', cell: (n) => duration(n.avg_billsec), className: 'num' },
    {
      header: 'Last used',
      cell: (n) =>
        n.last_used_at ? (
          <span title={dateTime(n.last_used_at)} style={{ whiteSpace: 'nowrap' }}>
            {shortTime.format(new Date(n.last_used_at))}
          </span>
        ) : (
          'never'
        ),
    },
    {
      header: 'Actions',
      cell: (n) => (
        <div className="actions">
          <button
            type="button"
            className="secondary"
            aria-label={`Edit ${n.caller_id}`}
            onClick={() => setDialog({ kind: 'edit', number: n })}
          >
            Edit
          </button>
          <button
            type="button"
            className="danger"
            aria-label={`Delete ${n.caller_id}`}
            onClick={() => setDialog({ kind: 'delete', number: n })}
          >
            Delete
          </button>
        </div>
      ),
    },
  ];

  function setFilters(next: URLSearchParams) {
    const keep = new URLSearchParams(params);
    for (const k of ['campaign', 'status', 'area_code', 'offset']) keep.delete(k);
    for (const [k, v] of next) keep.set(k, v);
    setParams(keep);
  }

  return (
    <Section
      title={numbers.data ? `Numbers (${numbers.data.total})` : 'Numbers'}
      actions={
        <button type="button" onClick={() => setDialog({ kind: 'add' })}>
          Add number
        </button>
      }
    >
      <NumberFilters key={params.toString()} params={params} onApply={setFilters} />
      <ErrorBanner error={numbers.error} />
      <DataTable
        caption="Caller IDs and their health"
        columns={columns}
        rows={numbers.error ? [] : numbers.data?.items}
        rowKey={(n) => n.id}
        empty={
          numbers.error ? null : filtered ? (
            <Empty title="No caller IDs match these filters">Clear the filters to see every number.</Empty>
          ) : (
            <Empty title="No caller IDs yet">
              Add a number with “Add number” or import a CSV file; the dialer then rotates through them.
            </Empty>
          )
        }
      />
      {numbers.data && (
        <Pagination
          total={numbers.data.total}
          limit={PAGE_SIZE}
          offset={offset}
          onChange={(o) => {
            const next = new URLSearchParams(params);
            if (o > 0) next.set('offset', String(o));
            else next.delete('offset');
            setParams(next);
          }}
        />
      )}
      <Dialog title="Add a caller ID" open={dialog?.kind === 'add'} onClose={() => setDialog(null)}>
        {dialog?.kind === 'add' && <AddNumberForm onDone={() => setDialog(null)} />}
      </Dialog>
      <Dialog
        title={dialog?.kind === 'edit' ? `Edit ${dialog.number.caller_id}` : 'Edit'}
        open={dialog?.kind === 'edit'}
        onClose={() => setDialog(null)}
      >
        {dialog?.kind === 'edit' && <EditNumberForm number={dialog.number} onDone={() => setDialog(null)} />}
      </Dialog>
      <Dialog title="Delete caller ID" open={dialog?.kind === 'delete'} onClose={() => setDialog(null)}>
        {dialog?.kind === 'delete' && <DeleteNumber number={dialog.number} onDone={() => setDialog(null)} />}
      </Dialog>
    </Section>
  );
}

function NumberStatus({ n }: { n: NumberHealth }) {
  return (
    <div>
      <StatusBadge status={n.status} />
      {n.reserved && (
        <>
          {' '}
          <span className="badge info">in use</span>
        </>
      )}
      {n.status === 'cooldown' && (
        <small className="muted" style={{ display: 'block' }}>
          {n.cooldown_until ? `until ${dateTime(n.cooldown_until)}` : 'until changed by hand'}
        </small>
      )}
    </div>
  );
}

function NumberFilters(props: { params: URLSearchParams; onApply: (next: URLSearchParams) => void }) {
  const pools = usePools();
  const campaigns = [
    ...new Set((pools.data?.items ?? []).map((p) => p.campaign).filter((c): c is string => c !== null)),
  ];
  const current = props.params.get('campaign');
  if (current && !campaigns.includes(current)) campaigns.push(current);

  function apply(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const next = new URLSearchParams();
    const form = new FormData(e.currentTarget);
    const campaign = String(form.get('campaign') ?? ALL);
    if (campaign !== ALL) next.set('campaign', campaign);
    for (const k of ['status', 'area_code']) {
      const v = String(form.get(k) ?? '').trim();
      if (v) next.set(k, v);
    }
    props.onApply(next);
  }

  return (
    <form className="filters" onSubmit={apply} aria-label="Caller ID filters">
      <Field label="Pool">
        {(id) => (
          <select id={id} name="campaign" defaultValue={current ?? ALL}>
            <option value={ALL}>All pools</option>
            <option value="">Global pool</option>
            {campaigns.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Status">
        {(id) => (
          <select id={id} name="status" defaultValue={props.params.get('status') ?? ''}>
            <option value="">Any</option>
            <option value="active">active</option>
            <option value="cooldown">cooldown</option>
            <option value="disabled">disabled</option>
          </select>
        )}
      </Field>
      <Field label="Area code">
        {(id) => (
          <input
            id={id}
            name="area_code"
            inputMode="numeric"
            pattern="[0-9]{3}"
            maxLength={3}
            size={5}
            title="Three digits"
            defaultValue={props.params.get('area_code') ?? ''}
          />
        )}
      </Field>
      <div className="actions">
        <button type="submit">Apply filters</button>
        <button type="button" className="secondary" onClick={() => props.onApply(new URLSearchParams())}>
          Clear
        </button>
      </div>
    </form>
  );
}
