import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api';
import {
  DataTable,
  Empty,
  ErrorBanner,
  Field,
  PageHeader,
  Section,
  duration,
  percent,
  type Column,
} from '../ui';
import { label, useDialerCampaigns } from './DialerShared';

/** How often the figures are read again: the reports are live. */
const REFRESH_MS = 5000;

interface AgentRow {
  user_id: number;
  agent_id: number | null;
  name: string;
  extension: string | null;
  calls: number;
  talk_seconds: number;
  wait_seconds: number;
  ring_seconds: number;
  on_call_seconds: number;
  wrap_seconds: number;
  paused_seconds: Record<string, number>;
  utilisation: number | null;
  dispositions: Record<string, number>;
}

interface CampaignRow {
  id: number;
  name: string;
  status: string;
  mode: string;
  abandon_target: number;
  dials: number;
  answered: number;
  human: number;
  machine: number;
  busy: number;
  no_answer: number;
  failed: number;
  abandoned: number;
  abandon_rate: number | null;
  abandon_rate_30d: number | null;
  talk_seconds: number;
  wait_seconds: number;
  wrap_seconds: number;
  utilisation: number | null;
  dispositions: Record<string, number>;
}

interface Report<T> {
  at: string;
  from: string;
  to: string;
  items: T[];
}

type Period = 'today' | '7d';

/** The start of the period in the browser's time zone: today's midnight, or 6 days before it. */
function periodStart(p: Period): string {
  const d = new Date();
  d.setHours(0, 0, 0, 0);
  if (p === '7d') d.setDate(d.getDate() - 6);
  return d.toISOString();
}

/** An abandon rate, marked (in words, not colour alone) when it is over the campaign's target. */
function AbandonRate({ rate, target }: { rate: number | null; target: number }) {
  if (rate === null) return <span className="muted">—</span>;
  if (rate <= target) return <>{percent(rate)}</>;
  return (
    <>
      <span className="badge bad">{percent(rate)}</span> <small>above the {percent(target)} target</small>
    </>
  );
}

function Counts({ counts }: { counts: Record<string, number> }) {
  const entries = Object.entries(counts);
  if (entries.length === 0) return <span className="muted">—</span>;
  return (
    <ul className="plain-list">
      {entries.map(([k, v]) => (
        <li key={k}>
          {label(k)}: {v}
        </li>
      ))}
    </ul>
  );
}

/** Figures as a short list of "name: value" lines (keeps the tables narrow enough to read). */
function Facts({ items }: { items: [string, string | number][] }) {
  return (
    <ul className="plain-list">
      {items.map(([k, v]) => (
        <li key={k}>
          {k}: {v}
        </li>
      ))}
    </ul>
  );
}

const campaignColumns: Column<CampaignRow>[] = [
  { header: 'Campaign', cell: (c) => <strong>{c.name}</strong> },
  { header: 'Dials', cell: (c) => c.dials, className: 'num' },
  { header: 'Answered', cell: (c) => c.answered, className: 'num' },
  {
    header: 'Outcomes',
    cell: (c) => (
      <Facts
        items={[
          ['Human', c.human],
          ['Machine', c.machine],
          ['Busy', c.busy],
          ['No answer', c.no_answer],
          ['Failed', c.failed],
          ['Abandoned', c.abandoned],
        ]}
      />
    ),
  },
  { header: 'Abandon rate', cell: (c) => <AbandonRate rate={c.abandon_rate} target={c.abandon_target} /> },
  { header: '30 days', cell: (c) => <AbandonRate rate={c.abandon_rate_30d} target={c.abandon_target} /> },
  {
    header: 'Agents’ time',
    cell: (c) => (
      <Facts
        items={[
          ['Talk', duration(c.talk_seconds)],
          ['Wait', duration(c.wait_seconds)],
          ['Wrap-up', duration(c.wrap_seconds)],
        ]}
      />
    ),
  },
  { header: 'Utilisation', cell: (c) => percent(c.utilisation), className: 'num' },
  { header: 'Dispositions', cell: (c) => <Counts counts={c.dispositions} /> },
];

const agentColumns: Column<AgentRow>[] = [
  {
    header: 'Agent',
    cell: (a) => (
      <div>
        <strong>{a.name}</strong>
        {a.extension && <div className="muted">ext. {a.extension}</div>}
      </div>
    ),
  },
  { header: 'Calls', cell: (a) => a.calls, className: 'num' },
  { header: 'Talk', cell: (a) => duration(a.talk_seconds), className: 'num' },
  { header: 'Wait', cell: (a) => duration(a.wait_seconds), className: 'num' },
  { header: 'Wrap-up', cell: (a) => duration(a.wrap_seconds), className: 'num' },
  {
    header: 'Paused',
    cell: (a) => {
      const entries = Object.entries(a.paused_seconds);
      if (entries.length === 0) return <span className="muted">—</span>;
      return (
        <ul className="plain-list">
          {entries.map(([reason, s]) => (
            <li key={reason}>
              {reason}: {duration(s)}
            </li>
          ))}
        </ul>
      );
    },
  },
  { header: 'Utilisation', cell: (a) => percent(a.utilisation), className: 'num' },
  { header: 'Dispositions', cell: (a) => <Counts counts={a.dispositions} /> },
];

/** Campaign and agent figures for today or the last 7 days, read again every 5 s. */
export function DialerReportsPage() {
  const [period, setPeriod] = useState<Period>('today');
  const [campaign, setCampaign] = useState('');
  const campaigns = useDialerCampaigns();
  const from = periodStart(period);
  const byCampaign = useQuery({
    queryKey: ['/api/dialer/reports/campaigns', { from }],
    queryFn: () => api.get<Report<CampaignRow>>('/api/dialer/reports/campaigns', { from }),
    refetchInterval: REFRESH_MS,
  });
  const byAgent = useQuery({
    queryKey: ['/api/dialer/reports/agents', { from, campaign }],
    queryFn: () =>
      api.get<Report<AgentRow>>('/api/dialer/reports/agents', { from, campaign_id: campaign || undefined }),
    refetchInterval: REFRESH_MS,
  });
  return (
    <>
      <PageHeader
        title="Dialer reports"
        description="Calls by outcome, abandon rates against each campaign's target, and how agents spend their time. Updated every 5 seconds."
        actions={
          <Field label="Period">
            {(id) => (
              <select id={id} value={period} onChange={(e) => setPeriod(e.target.value as Period)}>
                <option value="today">Today</option>
                <option value="7d">Last 7 days</option>
              </select>
            )}
          </Field>
        }
      />
      <Section title="Campaigns">
        <ErrorBanner error={byCampaign.error} />
        <DataTable
          caption="Dialer campaigns' figures"
          columns={campaignColumns}
          rows={byCampaign.data?.items}
          rowKey={(c) => c.id}
          empty={<Empty title="No dialer campaign">Create one under Campaigns.</Empty>}
        />
      </Section>
      <Section
        title="Agents"
        actions={
          <Field label="Campaign">
            {(id) => (
              <select id={id} value={campaign} onChange={(e) => setCampaign(e.target.value)}>
                <option value="">All campaigns</option>
                {campaigns.data?.items.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        }
      >
        <ErrorBanner error={byAgent.error} />
        <DataTable
          caption="Agents' figures"
          columns={agentColumns}
          rows={byAgent.data?.items}
          rowKey={(a) => a.user_id}
          empty={
            <Empty title="No agent worked in this period">
              Agents appear once they take calls or wait for them.
            </Empty>
          }
        />
      </Section>
    </>
  );
}
