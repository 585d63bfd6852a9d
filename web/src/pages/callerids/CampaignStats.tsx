import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api';
import { DataTable, Empty, ErrorBanner, Field, Section, duration, percent, type Column } from '../../ui';

// Per dialer campaign over the last hours (GET /api/callerid/campaigns, admin and staff).

interface CampaignHealth {
  campaign: string | null;
  allocations: number;
  reported: number;
  answered: number;
  answer_rate: number | null;
  avg_billsec: number | null;
}

const WINDOWS = [
  { hours: 1, label: 'Last hour' },
  { hours: 24, label: 'Last 24 hours' },
  { hours: 168, label: 'Last 7 days' },
  { hours: 720, label: 'Last 30 days' },
  { hours: 2160, label: 'Last 90 days' },
];

const columns: Column<CampaignHealth>[] = [
  { header: 'Dialer campaign', cell: (c) => c.campaign ?? <span className="muted">Global pool</span> },
  { header: 'Allocations', cell: (c) => c.allocations, className: 'num' },
  { header: 'Reported', cell: (c) => c.reported, className: 'num' },
  { header: 'Answered', cell: (c) => c.answered, className: 'num' },
  { header: 'Answer rate', cell: (c) => percent(c.answer_rate), className: 'num' },
  { header: 'Avg billsec', cell: (c) => duration(c.avg_billsec), className: 'num' },
];

export function CampaignStatsSection() {
  const [hours, setHours] = useState(24);
  const stats = useQuery({
    queryKey: ['/api/callerid/campaigns', { hours }],
    queryFn: () => api.get<{ items: CampaignHealth[] }>('/api/callerid/campaigns', { hours }),
    placeholderData: (prev) => prev,
  });
  return (
    <Section title="By dialer campaign">
      <div className="filters">
        <Field label="Period">
          {(id) => (
            <select id={id} value={hours} onChange={(e) => setHours(Number(e.target.value))}>
              {WINDOWS.map((w) => (
                <option key={w.hours} value={w.hours}>
                  {w.label}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <ErrorBanner error={stats.error} />
      <DataTable
        caption="Caller-ID use per dialer campaign"
        columns={columns}
        rows={stats.error ? [] : stats.data?.items}
        rowKey={(c) => c.campaign ?? ''}
        empty={
          stats.error ? null : (
            <Empty title="No caller IDs handed out in this period">
              Figures appear once the dialer asks for caller IDs; try a longer period.
            </Empty>
          )
        }
      />
    </Section>
  );
}
