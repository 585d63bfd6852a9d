import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api } from '../api';
import { Stat } from './common/Stat';
import { useMe, isStaff } from '../auth';
import { useElapsed, useLiveCalls, type LiveCall } from '../live';
import {
  DataTable,
  Empty,
  ErrorBanner,
  Gauge,
  Loading,
  PageHeader,
  Section,
  StatusBadge,
  money,
  percent,
} from '../ui';

interface HourBucket {
  hour: string;
  answered: number;
  not_answered: number;
  rejected: number;
}

interface Overview {
  at: string;
  timezone: string;
  today: {
    calls: number;
    answered: number;
    billable: number;
    rejected: number;
    answer_rate: number | null;
    minutes: number;
    charges: string;
    payouts: string;
  };
  hourly: HourBucket[];
  live_calls: number;
  links: {
    link_id: number;
    campaign_id: number;
    campaign_name: string;
    client_name: string;
    status: string;
    caps: { cap: string; limit: number; used: number }[];
  }[];
}

const CAP_LABEL: Record<string, string> = {
  max_concurrency: 'Concurrent',
  total_calls_allowed: 'Total',
  hourly_cap: 'This hour',
  daily_cap: 'Today',
  monthly_cap: 'This month',
};

const TIMEZONE = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

export function OverviewPage() {
  const me = useMe();
  const live = useLiveCalls();
  const q = useQuery({
    queryKey: ['/api/stats/overview', { tz: TIMEZONE }],
    queryFn: () => api.get<Overview>('/api/stats/overview', { tz: TIMEZONE }),
    refetchInterval: 30_000,
  });
  const o = q.data;
  return (
    <>
      <PageHeader
        title="Overview"
        description={`Today in ${TIMEZONE}${isStaff(me) ? ', every seller' : ''}. Live calls update by themselves.`}
      />
      <ErrorBanner error={q.error} />
      <div className="stats">
        <Stat label="Live calls" value={live.calls ? String(live.calls.length) : '…'} live />
        <Stat label="Calls today" value={o ? String(o.today.calls) : '…'} />
        <Stat label="Answer rate" value={o ? percent(o.today.answer_rate) : '…'} />
        <Stat label="Converted" value={o ? String(o.today.billable) : '…'} />
        <Stat label="Minutes" value={o ? o.today.minutes.toLocaleString() : '…'} />
        <Stat label="Charges" value={o ? money(o.today.charges) : '…'} />
        <Stat label="Payouts" value={o ? money(o.today.payouts) : '…'} />
      </div>
      <LiveCallsCard live={live} />
      <div className="grid two">
        <Section title="Calls per hour by outcome">
          {o ? <HourlyChart hours={o.hourly} timezone={TIMEZONE} /> : <Loading />}
        </Section>
        <Section title="Cap usage per link">
          {!o ? (
            <Loading />
          ) : o.links.length === 0 ? (
            <Empty title="No capped links">
              Links with a concurrency, total, hourly, daily or monthly cap show their usage here.{' '}
              <Link to="/campaigns">Open a campaign</Link> to set caps on its links.
            </Empty>
          ) : (
            o.links.map((l) => (
              <div key={l.link_id} className="link-gauges">
                <h3>
                  <Link to={`/campaigns/${l.campaign_id}`}>{l.campaign_name}</Link> → {l.client_name}{' '}
                  {l.status !== 'active' && <StatusBadge status={l.status} />}
                </h3>
                <div className="gauges">
                  {l.caps.map((c) => (
                    <Gauge key={c.cap} label={CAP_LABEL[c.cap] ?? c.cap} used={c.used} limit={c.limit} />
                  ))}
                </div>
              </div>
            ))
          )}
        </Section>
      </div>
    </>
  );
}

function LiveCallsCard({ live }: { live: ReturnType<typeof useLiveCalls> }) {
  const age = useElapsed(live.at);
  return (
    <Section
      title="Live calls"
      actions={
        <span className="muted" role="status">
          <span className={`live-dot${live.connected ? '' : ' off'}`} aria-hidden="true" />
          {live.connected ? 'Live' : 'Reconnecting…'}
        </span>
      }
    >
      <DataTable<LiveCall>
        caption="Calls in progress"
        rows={live.calls ?? undefined}
        rowKey={(c) => c.id}
        empty={
          <Empty title="No calls right now">
            Calls appear here the moment Asterisk asks CapConduit where to send them.
          </Empty>
        }
        columns={[
          { header: 'DID', cell: (c) => c.did ?? '—' },
          { header: 'Caller', cell: (c) => c.caller_id ?? '—' },
          { header: 'Campaign', cell: (c) => c.campaign_name ?? '—' },
          { header: 'Ringing', cell: (c) => c.client_name ?? '—' },
          { header: 'Attempt', cell: (c) => c.attempt, className: 'num' },
          { header: 'Status', cell: (c) => <StatusBadge status={c.status} /> },
          { header: 'Time', cell: (c) => `${age(c.started_at)} s`, className: 'num' },
        ]}
      />
    </Section>
  );
}

const SERIES = [
  { key: 'answered', label: 'Answered', color: 'var(--answered)' },
  { key: 'not_answered', label: 'Not answered', color: 'var(--not-answered)' },
  { key: 'rejected', label: 'Rejected', color: 'var(--rejected)' },
] as const;

/** 24 stacked bars (SVG): one per hour of today, split by outcome. */
function HourlyChart({ hours, timezone }: { hours: HourBucket[]; timezone: string }) {
  const hourLabel = new Intl.DateTimeFormat(undefined, { hour: 'numeric', timeZone: timezone });
  const max = Math.max(1, ...hours.map((h) => h.answered + h.not_answered + h.rejected));
  const W = 480;
  const H = 180;
  const pad = { l: 28, b: 20, t: 8 };
  const bw = (W - pad.l) / Math.max(1, hours.length);
  const y = (v: number) => ((H - pad.b - pad.t) * v) / max;
  const total = hours.reduce((n, h) => n + h.answered + h.not_answered + h.rejected, 0);
  return (
    <figure className="chart" style={{ margin: 0 }}>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Calls per hour today: ${total} in all`}>
        <line x1={pad.l} x2={W} y1={H - pad.b} y2={H - pad.b} stroke="#aab2bf" />
        <text x={pad.l - 4} y={pad.t + 8} fontSize="10" textAnchor="end" fill="#525a66">
          {max}
        </text>
        <text x={pad.l - 4} y={H - pad.b} fontSize="10" textAnchor="end" fill="#525a66">
          0
        </text>
        {hours.map((h, i) => {
          let base = H - pad.b;
          const x = pad.l + i * bw + 1;
          return (
            <g key={h.hour}>
              <title>
                {`${hourLabel.format(new Date(h.hour))}: ${h.answered} answered, ${h.not_answered} not answered, ${h.rejected} rejected`}
              </title>
              {SERIES.map((s) => {
                const v = h[s.key];
                if (v === 0) return null;
                const height = y(v);
                base -= height;
                return <rect key={s.key} x={x} y={base} width={bw - 2} height={height} fill={s.color} />;
              })}
              {i % 3 === 0 && (
                <text x={x + bw / 2} y={H - 6} fontSize="10" textAnchor="middle" fill="#525a66">
                  {hourLabel.format(new Date(h.hour))}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption className="legend">
        {SERIES.map((s) => (
          <span key={s.key} style={{ ['--swatch' as string]: s.color }}>
            {s.label}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
