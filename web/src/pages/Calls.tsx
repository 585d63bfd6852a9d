import { useQuery } from '@tanstack/react-query';
import { Link, useLocation, useSearchParams } from 'react-router';
import { api, withQuery, type Page, type Query } from '../api';
import { CallFilters } from './calls/CallFilters';
import {
  DataTable,
  Empty,
  ErrorBanner,
  PageHeader,
  Pagination,
  Section,
  StatusBadge,
  dateTime,
  duration,
  money,
  type Column,
} from '../ui';

// The call log: GET /api/calls with its filters kept in the address bar, so a filtered view
// can be bookmarked or shared, and the same filters drive the CSV export.

export interface CallRow {
  id: number;
  uniqueid: string;
  direction: string;
  did: string | null;
  caller_id: string | null;
  campaign_id: number | null;
  campaign_name: string | null;
  seller_id: number | null;
  link_id: number | null;
  client_id: number | null;
  client_name: string | null;
  last_client_name: string | null;
  started_at: string;
  answered_at: string | null;
  ended_at: string | null;
  duration: number | null;
  billsec: number;
  disposition: string;
  dial_status: string | null;
  hangup_cause: number | null;
  routing_status: string;
  reject_reason: string | null;
  billable: boolean;
  cost: string;
  payout: string;
  source: string | null;
  attempt_count: number;
}

const PAGE_SIZE = 50;
/** Compact start time for the table (the full date is the link's title and on the call's page). */
const shortTime = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});
/** Search params that are filters (in the address bar as the form names them). */
const FILTER_KEYS = [
  'from',
  'to',
  'campaign_id',
  'client_id',
  'did',
  'caller',
  'routing_status',
  'disposition',
];

/** A `YYYY-MM-DD` date input value → the local midnight that starts it (plus `days`), as ISO. */
function dayStart(value: string | null, days = 0): string | undefined {
  const m = value ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value) : null;
  if (!m) return undefined;
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + days).toISOString();
}

/** The API's filters from the address bar; `to` is a whole day, so up to the next midnight. */
function apiFilters(params: URLSearchParams): Query {
  const q: Query = {};
  for (const key of FILTER_KEYS) q[key] = params.get(key) ?? undefined;
  q.from = dayStart(params.get('from'));
  q.to = dayStart(params.get('to'), 1);
  return q;
}

export function CallsPage() {
  const [params, setParams] = useSearchParams();
  const location = useLocation();
  const offset = Math.max(0, Number(params.get('offset')) || 0);
  const filters = apiFilters(params);
  const query = { ...filters, limit: PAGE_SIZE, offset };
  const calls = useQuery({
    queryKey: ['/api/calls', query],
    queryFn: () => api.get<Page<CallRow> & { total_is_lower_bound: boolean }>('/api/calls', query),
    placeholderData: (prev) => prev,
    // the newest page follows new calls by itself (paused while the tab is hidden)
    refetchInterval: offset === 0 ? 10_000 : false,
  });
  const filtered = FILTER_KEYS.some((k) => params.get(k));

  const columns: Column<CallRow>[] = [
    {
      header: 'Started',
      cell: (c) => (
        <Link
          to={`/calls/${c.id}`}
          state={{ search: location.search }}
          title={dateTime(c.started_at)}
          style={{ whiteSpace: 'nowrap' }}
        >
          {shortTime.format(new Date(c.started_at))}
        </Link>
      ),
    },
    {
      header: 'Caller → DID',
      cell: (c) => (
        <div style={{ whiteSpace: 'nowrap' }}>
          {c.caller_id ?? 'anonymous'}
          <br />
          <small className="muted">to {c.did ?? '—'}</small>
        </div>
      ),
    },
    { header: 'Campaign', cell: (c) => c.campaign_name ?? '—' },
    {
      header: 'Client',
      cell: (c) =>
        c.client_name ??
        (c.last_client_name ? (
          <span>
            {c.last_client_name} <small className="muted">(no answer)</small>
          </span>
        ) : (
          '—'
        )),
    },
    {
      header: 'Outcome',
      cell: (c) => (
        <div>
          <Tag status={c.disposition} /> <StatusBadge status={c.routing_status} />
          {c.reject_reason && <small className="muted"> {c.reject_reason.replace(/_/g, ' ')}</small>}
        </div>
      ),
    },
    { header: 'Billsec', cell: (c) => duration(c.billsec), className: 'num' },
    { header: 'Cost', cell: (c) => money(c.cost), className: 'num' },
    { header: 'Converted', cell: (c) => (c.billable ? 'Yes' : 'No') },
    { header: 'Payout', cell: (c) => money(c.payout), className: 'num' },
    { header: 'Attempts', cell: (c) => c.attempt_count, className: 'num' },
  ];

  return (
    <>
      <PageHeader
        title="Call log"
        description="Every inbound call, newest first. Open a call to see its attempts and routing decisions."
        actions={
          <a className="button secondary" href={withQuery('/api/calls/export.csv', filters)} download>
            Download CSV
          </a>
        }
      />
      <Section title="Filters">
        <CallFilters
          key={params.toString()}
          params={params}
          onApply={(next) => setParams(next)}
          onClear={() => setParams(new URLSearchParams())}
        />
      </Section>
      <Section
        title={
          calls.data
            ? `Calls (${calls.data.total.toLocaleString()}${calls.data.total_is_lower_bound ? '+' : ''})`
            : 'Calls'
        }
      >
        <ErrorBanner error={calls.error} />
        <DataTable
          caption="Calls"
          columns={columns}
          rows={calls.error ? [] : calls.data?.items}
          rowKey={(c) => c.id}
          empty={
            calls.error ? null : filtered ? (
              <Empty title="No calls match these filters">
                Widen the date range or clear the filters to see more calls.
              </Empty>
            ) : (
              <Empty title="No calls yet">
                Calls appear here when Asterisk routes them to a DID that belongs to a campaign.
              </Empty>
            )
          }
        />
        {calls.data && (
          <Pagination
            total={calls.data.total}
            more={calls.data.total_is_lower_bound}
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
      </Section>
    </>
  );
}

/** A status badge that keeps its own width in a phone-width table cell (a grid there). */
function Tag({ status }: { status: string }) {
  return (
    <div>
      <StatusBadge status={status} />
    </div>
  );
}
