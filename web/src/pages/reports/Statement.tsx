import { useQuery } from '@tanstack/react-query';
import { Link, useParams, useSearchParams } from 'react-router';
import { api, withQuery } from '../../api';
import { Stat } from '../common/Stat';
import {
  DataTable,
  Empty,
  ErrorBanner,
  Loading,
  PageHeader,
  Section,
  dateTime,
  duration,
  money,
} from '../../ui';

// A buyer's statement for a period: the converted calls it owes for, per campaign and call by
// call, printable (the page's print style leaves out the navigation) and as CSV.

interface StatementCall {
  id: number;
  started_at: string;
  caller_id: string | null;
  did: string | null;
  campaign_name: string | null;
  billsec: number;
  payout: string;
}

interface Statement {
  client: { id: number; name: string };
  from: string;
  to: string;
  timezone: string;
  converted_calls: number;
  amount_due: string;
  campaigns: { campaign_id: number | null; campaign_name: string; calls: number; payout: string }[];
  calls: StatementCall[];
  calls_truncated: boolean;
}

export function StatementPage() {
  const { id } = useParams();
  const [params] = useSearchParams();
  const q = {
    client_id: id,
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
    tz: params.get('tz') ?? 'UTC',
  };
  const s = useQuery({
    queryKey: ['/api/reports/buyer-statement', q],
    queryFn: () => api.get<Statement>('/api/reports/buyer-statement', q),
  });
  const st = s.data;
  return (
    <>
      <PageHeader
        title={st ? `Statement: ${st.client.name}` : 'Statement'}
        description={`Converted calls from ${q.from} to ${q.to} (${q.tz}).`}
        actions={
          <span className="actions no-print">
            <Link to={withQuery('/reports', { from: q.from, to: q.to, tz: q.tz, group_by: 'buyer' })}>
              Back to reports
            </Link>{' '}
            <a href={withQuery('/api/reports/buyer-statement.csv', q)} download>
              CSV
            </a>{' '}
            <button type="button" onClick={() => window.print()}>
              Print
            </button>
          </span>
        }
      />
      <ErrorBanner error={s.error} />
      {!st ? (
        s.isLoading && <Loading />
      ) : (
        <>
          <div className="stats">
            <Stat label="Converted calls" value={st.converted_calls.toLocaleString()} />
            <Stat label="Amount due" value={money(st.amount_due)} />
          </div>
          <Section title="Per campaign">
            <DataTable
              caption="Converted calls per campaign"
              rows={st.campaigns}
              rowKey={(c) => String(c.campaign_id)}
              empty={<Empty title="No converted calls in this period" />}
              columns={[
                { header: 'Campaign', cell: (c) => c.campaign_name },
                { header: 'Calls', cell: (c) => c.calls.toLocaleString(), className: 'num' },
                { header: 'Payout', cell: (c) => money(c.payout), className: 'num' },
              ]}
            />
          </Section>
          <Section title="Calls">
            <DataTable
              caption="Converted calls"
              rows={st.calls}
              rowKey={(c) => c.id}
              empty={<Empty title="No converted calls in this period" />}
              columns={[
                { header: 'Started', cell: (c) => dateTime(c.started_at) },
                { header: 'Caller', cell: (c) => c.caller_id ?? '—' },
                { header: 'DID', cell: (c) => c.did ?? '—' },
                { header: 'Campaign', cell: (c) => c.campaign_name ?? '—' },
                { header: 'Billed', cell: (c) => duration(c.billsec), className: 'num' },
                { header: 'Payout', cell: (c) => money(c.payout), className: 'num' },
              ]}
            />
            {st.calls_truncated && (
              <p className="muted">
                The first {st.calls.length.toLocaleString()} calls are shown; the CSV has all{' '}
                {st.converted_calls.toLocaleString()}.
              </p>
            )}
          </Section>
        </>
      )}
    </>
  );
}
