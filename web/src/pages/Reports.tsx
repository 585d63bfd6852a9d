import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { api, withQuery } from '../api';
import { Stat } from './common/Stat';
import { isStaff, useMe } from '../auth';
import { DataTable, Empty, ErrorBanner, Loading, PageHeader, Section, duration, money, percent } from '../ui';
import { BarChart } from './reports/BarChart';
import { GROUPS, ReportForm } from './reports/ReportForm';

// Reports: GET /api/reports with its choices kept in the address bar (bookmark, share), the same
// choices driving the CSV exports. Figures from the seller's books: revenue is what buyers owe for
// converted calls, cost what the platform charged for the minutes (docs/reports.md).

export interface Figures {
  calls: number;
  answered: number;
  converted: number;
  rejected: number;
  conversion_rate: number | null;
  average_handle_seconds: number | null;
  billsec: number;
  revenue: string;
  cost: string;
  profit: string;
}

interface Report {
  from: string;
  to: string;
  timezone: string;
  group_by: string;
  interval: 'hour' | 'day' | 'month';
  source: 'rollups' | 'calls';
  totals: Figures;
  rows: (Figures & { key: string; label: string })[];
  series: (Figures & { period: string })[];
}

const BROWSER_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** Today and the first of this month as YYYY-MM-DD in `zone`. */
function thisMonth(zone: string): { from: string; to: string } {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(new Date());
  return { from: `${today.slice(0, 8)}01`, to: today };
}

export function ReportsPage() {
  const me = useMe();
  const staff = isStaff(me);
  const [params, setParams] = useSearchParams();
  const tz = params.get('tz') || BROWSER_ZONE;
  const q = {
    ...thisMonth(tz),
    ...Object.fromEntries(params),
    tz,
    group_by: params.get('group_by') || 'campaign',
    interval: params.get('interval') || 'day',
  };
  const report = useQuery({
    queryKey: ['/api/reports', q],
    queryFn: () => api.get<Report>('/api/reports', q),
  });
  const r = report.data;
  const groupLabel = GROUPS.find(([k]) => k === q.group_by)?.[1] ?? q.group_by;

  const periodFmt = new Intl.DateTimeFormat(undefined, {
    timeZone: tz,
    ...(q.interval === 'hour'
      ? { month: 'short', day: 'numeric', hour: 'numeric' }
      : q.interval === 'day'
        ? { month: 'short', day: 'numeric' }
        : { year: 'numeric', month: 'short' }),
  });
  const period = (p: { period: string }) => periodFmt.format(new Date(p.period));

  return (
    <>
      <PageHeader
        title="Reports"
        description={`Calls, conversions and money by ${groupLabel.toLowerCase()} and over time${staff ? ', every seller' : ''}.`}
      />
      <ReportForm key={params.toString()} q={q} staff={staff} onApply={(next) => setParams(next)} />
      <ErrorBanner error={report.error} />
      {!r ? (
        report.isLoading && <Loading />
      ) : (
        <>
          <div className="stats">
            <Stat label="Calls" value={r.totals.calls.toLocaleString()} />
            <Stat label="Answered" value={r.totals.answered.toLocaleString()} />
            <Stat label="Converted" value={r.totals.converted.toLocaleString()} />
            <Stat label="Conversion rate" value={percent(r.totals.conversion_rate)} />
            <Stat label="Avg handle time" value={duration(r.totals.average_handle_seconds)} />
            <Stat label="Revenue" value={money(r.totals.revenue)} />
            <Stat label="Cost" value={money(r.totals.cost)} />
            <Stat label="Profit" value={money(r.totals.profit)} />
          </div>
          <div className="grid two">
            <Section title="Calls over time">
              <BarChart
                label={`Calls per ${r.interval}: ${r.totals.calls} in all`}
                rows={r.series}
                periodLabel={period}
                series={[
                  { label: 'Converted', color: 'var(--answered)', value: (s) => s.converted },
                  {
                    label: 'Answered, not converted',
                    color: '#7cc49a',
                    value: (s) => s.answered - s.converted,
                  },
                  {
                    label: 'Not answered',
                    color: 'var(--not-answered)',
                    value: (s) => s.calls - s.answered - s.rejected,
                  },
                  { label: 'Rejected', color: 'var(--rejected)', value: (s) => s.rejected },
                ]}
              />
            </Section>
            <Section title="Money over time">
              <BarChart
                label={`Revenue, cost and profit per ${r.interval}`}
                rows={r.series}
                periodLabel={period}
                format={(v) => money(v)}
                series={[
                  { label: 'Cost', color: '#8a94a6', value: (s) => Number(s.cost) },
                  {
                    label: 'Profit (cost + profit = revenue)',
                    color: 'var(--answered)',
                    value: (s) => Number(s.profit),
                  },
                ]}
              />
            </Section>
          </div>
          <Section
            title={`By ${groupLabel.toLowerCase()}`}
            actions={
              <span className="actions">
                <a href={withQuery('/api/reports/export.csv', q)} download>
                  CSV of these rows
                </a>{' '}
                <a href={withQuery('/api/reports/export.csv', { ...q, view: 'series' })} download>
                  CSV per {r.interval}
                </a>
              </span>
            }
          >
            <DataTable
              caption={`Report by ${groupLabel}`}
              rows={r.rows}
              rowKey={(x) => x.key}
              empty={<Empty title="No calls in this period">Calls count here once they have ended.</Empty>}
              columns={[
                {
                  header: groupLabel,
                  cell: (x) =>
                    q.group_by === 'buyer' && x.key !== '' ? (
                      <Link to={withQuery(`/reports/statement/${x.key}`, { from: q.from, to: q.to, tz })}>
                        {x.label}
                      </Link>
                    ) : (
                      x.label
                    ),
                },
                { header: 'Calls', cell: (x) => x.calls.toLocaleString(), className: 'num' },
                { header: 'Answered', cell: (x) => x.answered.toLocaleString(), className: 'num' },
                { header: 'Converted', cell: (x) => x.converted.toLocaleString(), className: 'num' },
                { header: 'Conv. rate', cell: (x) => percent(x.conversion_rate), className: 'num' },
                { header: 'Avg handle', cell: (x) => duration(x.average_handle_seconds), className: 'num' },
                { header: 'Revenue', cell: (x) => money(x.revenue), className: 'num' },
                { header: 'Cost', cell: (x) => money(x.cost), className: 'num' },
                { header: 'Profit', cell: (x) => money(x.profit), className: 'num' },
              ]}
            />
            {q.group_by === 'buyer' && (
              <p className="muted">
                A buyer’s name opens its statement: the converted calls it owes for, to print or download.
              </p>
            )}
          </Section>
        </>
      )}
    </>
  );
}
